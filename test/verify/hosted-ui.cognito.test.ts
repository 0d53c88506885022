import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthorizeUrl, createPkce, exchangeCode, hostedUiBaseUrl, isLocalCallback, loginWithHostedUi, openBrowser, startCallbackServer, type LoginEvent,
} from '../../src/verify/hosted-ui.js';
import { decodeJwt } from '../../src/verify/jwt.js';
import { createUser, describePool, readClientSecret } from '../../src/verify/test-user.js';
import { startCognitoLocal, type CognitoLocal } from '../support/cognito-local.js';
import { freePort } from '../support/ports.js';

let cl: CognitoLocal;
beforeAll(async () => { cl = await startCognitoLocal(); });
afterAll(async () => { await cl?.stop(); });

const PASSWORD = 'Corr3ct-Horse!';

/** Set up a pool, a hosted-UI client whose callback is a free local port, and a user. */
async function setup(secret = false) {
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  const userPoolId = await cl.createPool({ UsernameAttributes: ['email'] });
  const { clientId, clientSecret } = await cl.createClient(userPoolId, {
    secret, CallbackURLs: [redirectUri], AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email', 'profile'], AllowedOAuthFlowsUserPoolClient: true,
  });
  const facts = await describePool(cl.client, userPoolId);
  const { signInName } = await createUser(cl.client, userPoolId, facts, { signInName: 'grace@example.com', password: PASSWORD });
  return { redirectUri, userPoolId, clientId, clientSecret, signInName };
}

/** Plays the browser on cognito-local's hosted UI: load the login form, post the credentials, follow the redirect to our callback. */
async function browser(url: string, username: string, password: string): Promise<boolean> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  const post = await fetch(new URL('/oauth2/authorize', url), {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...fields, username, password }),
  });
  const location = post.headers.get('location');
  expect(post.status).toBe(302);
  if (!location) return false;
  await (await fetch(location)).text();
  return true;
}

describe('hosted UI: authorization code + PKCE against cognito-local', () => {
  it('builds the authorize URL of the pool domain', () => {
    const pkce = { verifier: 'v', challenge: 'c', state: 's' };
    const url = new URL(buildAuthorizeUrl({ baseUrl: hostedUiBaseUrl('my-app', 'eu-west-1'), clientId: 'cid', redirectUri: 'http://localhost:8765/callback', scopes: ['openid', 'email'], pkce }));
    expect(url.origin).toBe('https://my-app.auth.eu-west-1.amazoncognito.com');
    expect(url.pathname).toBe('/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code', client_id: 'cid', redirect_uri: 'http://localhost:8765/callback', scope: 'openid email',
      state: 's', code_challenge: 'c', code_challenge_method: 'S256',
    });
    const p = createPkce();
    expect(p.challenge).toBe(createHash('sha256').update(p.verifier).digest('base64url'));
    expect(isLocalCallback('http://localhost:8765/callback')).toBe(true);
    expect(isLocalCallback('https://app.example.com/callback')).toBe(false);
  });

  it('opens no browser with BROWSER=none, nor xdg-open without a display', async () => {
    expect(await openBrowser('http://127.0.0.1:1/x', 'linux', { BROWSER: 'none', DISPLAY: ':0' })).toBe(false);
    expect(await openBrowser('http://127.0.0.1:1/x', 'darwin', { BROWSER: 'none' })).toBe(false);
  });

  it('logs in through the hosted UI and returns the id token', async () => {
    const s = await setup();
    const events: LoginEvent[] = [];
    const tokens = await loginWithHostedUi({
      baseUrl: cl.endpoint, clientId: s.clientId, redirectUri: s.redirectUri, scopes: ['openid', 'email'],
      open: (url) => browser(url, s.signInName, PASSWORD), onEvent: (e) => events.push(e), timeoutMs: 10_000,
    });
    expect(decodeJwt(tokens.idToken)?.claims).toMatchObject({ token_use: 'id', aud: s.clientId, email: 'grace@example.com', iss: cl.issuer(s.userPoolId) });
    expect(decodeJwt(tokens.accessToken)?.claims.token_use).toBe('access');
    expect(events).toContainEqual(expect.objectContaining({ type: 'open-url', opened: true }));
  });

  it('sends a confidential client\'s secret as Basic auth at the exchange, read at that moment', async () => {
    const s = await setup(true);
    const authHeaders: string[] = [];
    const spy = (async (input: string | URL | Request, init?: RequestInit) => {
      authHeaders.push(new Headers(init?.headers).get('authorization') ?? '');
      return fetch(input, init);
    }) as typeof fetch;
    const tokens = await loginWithHostedUi({
      baseUrl: cl.endpoint, clientId: s.clientId, redirectUri: s.redirectUri, scopes: ['openid'],
      getClientSecret: () => readClientSecret(cl.client, { userPoolId: s.userPoolId, clientId: s.clientId }),
      open: (url) => browser(url, s.signInName, PASSWORD), fetch: spy, timeoutMs: 10_000,
    });
    expect(tokens.idToken).toBeTruthy();
    expect(authHeaders).toEqual([`Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}`]);
  });

  it('refuses a callback with another state', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const server = await startCallbackServer(redirectUri, 'expected-state', { timeoutMs: 5_000 });
    try {
      const res = await fetch(`${redirectUri}?code=abc&state=forged`);
      expect(res.status).toBe(400);
      await expect(server.code).rejects.toThrow(/unexpected state/);
    } finally {
      await server.close();
    }
  });

  it('fails the exchange with the wrong code_verifier', async () => {
    const s = await setup();
    const pkce = createPkce();
    const server = await startCallbackServer(s.redirectUri, pkce.state, { timeoutMs: 10_000 });
    try {
      await browser(buildAuthorizeUrl({ baseUrl: cl.endpoint, clientId: s.clientId, redirectUri: s.redirectUri, scopes: ['openid'], pkce }), s.signInName, PASSWORD);
      const code = await server.code;
      await expect(exchangeCode({ baseUrl: cl.endpoint, clientId: s.clientId, code, verifier: createPkce().verifier, redirectUri: s.redirectUri }))
        .rejects.toThrow(/code_verifier does not match/);
    } finally {
      await server.close();
    }
  });
});
