import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { hostedUiOrigin } from '../aws/region.js';
import { AwsFailure, Interrupted, UsageError } from '../errors.js';

/** The hosted UI of a user pool domain: `https://{domain}.auth.{region}.amazoncognito.com` (per partition). */
export function hostedUiBaseUrl(domain: string, region: string): string {
  return hostedUiOrigin(domain, region);
}

export interface Pkce {
  verifier: string;
  challenge: string;
  /** Random `state`, checked on the callback. */
  state: string;
}

/** A PKCE verifier (43 base64url chars), its S256 challenge, and a random state. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), state: randomBytes(16).toString('base64url') };
}

export interface AuthorizeParams {
  baseUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  pkce: Pkce;
}

export function buildAuthorizeUrl(p: AuthorizeParams): string {
  const u = new URL('/oauth2/authorize', p.baseUrl);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', p.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('scope', p.scopes.join(' '));
  u.searchParams.set('state', p.pkce.state);
  u.searchParams.set('code_challenge', p.pkce.challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  return u.toString();
}

export const tokenUrl = (baseUrl: string): string => new URL('/oauth2/token', baseUrl).toString();

/** A callback URL we can serve ourselves: http on localhost / 127.0.0.1 / [::1] with an explicit port. */
export function isLocalCallback(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) && u.port !== '';
  } catch {
    return false;
  }
}

export interface CallbackServer {
  /** Resolves with the code once the browser comes back with the expected state. */
  code: Promise<string>;
  close(): Promise<void>;
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif"><h1>${title}</h1><p>${text}</p></body></html>`;

/** Listen on the callback URL's host and port for `?code=…&state=…`; a wrong state or an `error` fails the wait. */
export async function startCallbackServer(redirectUri: string, expectedState: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CallbackServer> {
  if (!isLocalCallback(redirectUri)) {
    throw new UsageError(`the callback URL ${redirectUri} is not a local http URL with a port, so secure-api cannot catch the login`,
      (cmd) => `Add a callback such as http://localhost:8765/callback to the app client (hostedUi.callbackUrls) and run \`${cmd('init')}\` again.`);
  }
  const target = new URL(redirectUri);
  let settle!: { resolve: (code: string) => void; reject: (err: Error) => void };
  const code = new Promise<string>((resolve, reject) => { settle = { resolve, reject }; });
  code.catch(() => undefined); // handled by whoever awaits it; avoid an unhandled rejection if nobody does
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', redirectUri);
    if (u.pathname !== target.pathname) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const error = u.searchParams.get('error');
    const got = u.searchParams.get('code');
    const state = u.searchParams.get('state');
    if (error) {
      res.writeHead(400, { 'Content-Type': 'text/html' }).end(PAGE('Sign-in failed', 'Return to the terminal.'));
      settle.reject(new AwsFailure(`the hosted UI answered ${error}${u.searchParams.get('error_description') ? `: ${u.searchParams.get('error_description')}` : ''}`, { code: 'LOGIN_FAILED' }));
    } else if (!got || state !== expectedState) {
      res.writeHead(400, { 'Content-Type': 'text/html' }).end(PAGE('Sign-in refused', 'The answer did not match this login (state). Return to the terminal.'));
      settle.reject(new AwsFailure('the login callback carried no code or an unexpected state; it was ignored', { code: 'LOGIN_STATE', hint: (cmd) => `Start \`${cmd('token --login')}\` again and finish the login in the browser tab it opens.` }));
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE('Signed in', 'You can close this tab and return to the terminal.'));
      settle.resolve(got);
    }
  });
  const host = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? new UsageError(`port ${target.port} of the callback URL ${redirectUri} is in use`, 'Stop what listens there, or add another local callback URL to the app client.')
      : err));
    server.listen(Number(target.port), host, () => resolve());
  });
  const timer = setTimeout(() => settle.reject(new AwsFailure('no login came back in time', { code: 'LOGIN_TIMEOUT', hint: 'Open the printed URL and sign in, then try again.' })), opts.timeoutMs ?? 300_000);
  timer.unref();
  const onAbort = (): void => settle.reject(new Interrupted());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    code,
    close: () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface OAuthTokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
}

export interface ExchangeParams {
  baseUrl: string;
  clientId: string;
  /** Only for a confidential client: sent as HTTP Basic auth, never kept. */
  clientSecret?: string | undefined;
  code: string;
  verifier: string;
  redirectUri: string;
  fetch?: typeof fetch;
}

/** Trade the code for tokens at `/oauth2/token` (authorization_code + code_verifier). */
export async function exchangeCode(p: ExchangeParams): Promise<OAuthTokens> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: p.code, code_verifier: p.verifier, client_id: p.clientId, redirect_uri: p.redirectUri });
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (p.clientSecret) headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(p.clientId)}:${encodeURIComponent(p.clientSecret)}`).toString('base64')}`;
  const res = await (p.fetch ?? globalThis.fetch)(tokenUrl(p.baseUrl), { method: 'POST', headers, body: body.toString() });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch { /* reported below */ }
  if (!res.ok) {
    const why = typeof json.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : `HTTP ${res.status}`;
    throw new AwsFailure(`the token endpoint refused the code (${why})`, { code: 'LOGIN_EXCHANGE', hint: (cmd) => `Codes are single-use and short-lived: run \`${cmd('token --login')}\` again.` });
  }
  if (typeof json.id_token !== 'string' || typeof json.access_token !== 'string') {
    throw new AwsFailure('the token endpoint returned no id_token (is the "openid" scope allowed for the client?)', { code: 'LOGIN_EXCHANGE' });
  }
  const out: OAuthTokens = { idToken: json.id_token, accessToken: json.access_token };
  if (typeof json.refresh_token === 'string') out.refreshToken = json.refresh_token;
  if (typeof json.expires_in === 'number') out.expiresIn = json.expires_in;
  return out;
}

/**
 * Commands that open a URL in the default browser, per platform; the URL is one more argument, never parsed by a
 * shell. On Windows not `cmd /c start "" URL`: cmd reads the `&` between query parameters as a command separator,
 * so the login URL was cut after `client_id` and the rest run as commands (issue 25.7); url.dll's
 * FileProtocolHandler takes the URL whole (as Go's pkg/browser opens one). Without a display, xdg-open would start
 * and fail silently: skip it.
 */
export function browserOpeners(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Array<[string, string[]]> {
  if (env.BROWSER === 'none') return [];
  if (platform === 'darwin') return [['open', []]];
  if (platform === 'win32') return [['rundll32', ['url.dll,FileProtocolHandler']]];
  return [...(env.DISPLAY || env.WAYLAND_DISPLAY ? [['xdg-open', []] as [string, string[]]] : []), ['wslview', []]];
}

/** Try to open `url` in a browser; false when none could be started (then print the URL). `BROWSER=none` never opens one. */
export async function openBrowser(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  for (const [cmd, args] of browserOpeners(platform, env)) {
    const started = await new Promise<boolean>((resolve) => {
      try {
        const child = spawn(cmd, [...args, url], { stdio: 'ignore', detached: true });
        child.once('error', () => resolve(false));
        child.once('spawn', () => {
          child.unref();
          resolve(true);
        });
      } catch {
        resolve(false);
      }
    });
    if (started) return true;
  }
  return false;
}

export type LoginEvent = { type: 'open-url'; url: string; opened: boolean } | { type: 'callback-listening'; redirectUri: string };

export interface LoginParams {
  baseUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  /** Read at exchange time for a confidential client; undefined for a public one. */
  getClientSecret?: () => Promise<string | undefined>;
  /** Opens the URL; returns false when it could not. @default openBrowser */
  open?: (url: string) => Promise<boolean>;
  onEvent?: (e: LoginEvent) => void;
  /** @default 300_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** The hosted-UI login: authorization code + PKCE, caught on a localhost callback, exchanged for tokens. */
export async function loginWithHostedUi(p: LoginParams): Promise<OAuthTokens> {
  const pkce = createPkce();
  const server = await startCallbackServer(p.redirectUri, pkce.state, { timeoutMs: p.timeoutMs, signal: p.signal });
  try {
    p.onEvent?.({ type: 'callback-listening', redirectUri: p.redirectUri });
    const url = buildAuthorizeUrl({ baseUrl: p.baseUrl, clientId: p.clientId, redirectUri: p.redirectUri, scopes: p.scopes, pkce });
    const opened = await (p.open ?? openBrowser)(url);
    p.onEvent?.({ type: 'open-url', url, opened });
    const code = await server.code;
    const clientSecret = await p.getClientSecret?.();
    return await exchangeCode({ baseUrl: p.baseUrl, clientId: p.clientId, clientSecret, code, verifier: pkce.verifier, redirectUri: p.redirectUri, fetch: p.fetch });
  } finally {
    await server.close();
  }
}
