/**
 * verify, token, users and export as a user runs them: the CLI in-process, Cognito calls to cognito-local
 * (the state file's endpointUrl), HTTP calls to a local server playing the API (SECURE_API_INVOKE_URL_OVERRIDE).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from '../../src/verify/jwt.js';
import { startApiServer, type ApiRoute, type ApiServer } from '../support/api-server.js';
import { startCognitoLocal, type CognitoLocal } from '../support/cognito-local.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/harness.js';
import { runCliOnce, startCli } from './run-cli.js';

const ROUTES: ApiRoute[] = [{ path: '/items', methods: ['GET', 'POST'] }, { path: '/items/{id}', methods: ['GET'] }, { path: '/health', methods: ['GET'], public: true }];

let cl: CognitoLocal;
let good: ApiServer;
let leaky: ApiServer;
let cwd: string;
let userPoolId: string;
let clientId: string;
let redirectUri: string;

function writeState(dir: string, o: { stack?: string; clientId?: string; confidential?: boolean } = {}): void {
  const stack = o.stack ?? 'demo';
  const at = new Date().toISOString();
  const node = (kind: string, out: Record<string, string>) => ({ kind, status: 'created', out, label: kind, deps: [], updatedAt: at });
  const state = {
    version: 1, stack, region: 'us-east-1', account: '000000000000', endpointUrl: cl.endpoint, createdAt: at, updatedAt: at, complete: true,
    config: {
      stack, region: 'us-east-1', ...(o.confidential ? { appClient: { type: 'confidential', authFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] } } : {}),
      routes: ROUTES.map((r) => ({ path: r.path, methods: r.methods, public: r.public ?? false, integration: { type: 'sample-lambda' } })),
      hostedUi: { enabled: true, callbackUrls: [redirectUri], logoutUrls: [], scopes: ['openid', 'email', 'profile'], domainPrefix: 'demo-local' },
      authorizer: { scopes: [] }, stage: { name: 'dev' },
    },
    nodes: {
      api: node('rest-api', { apiId: 'abc123defg' }),
      pool: node('user-pool', { userPoolId }),
      client: node('user-pool-client', { clientId: o.clientId ?? clientId }),
      deployment: node('deployment', { deploymentId: 'd1', stageName: 'dev' }),
    },
  };
  mkdirSync(join(dir, '.secure-api'), { recursive: true });
  writeFileSync(join(dir, '.secure-api', `${stack}.json`), JSON.stringify(state, null, 2), { mode: 0o600 });
}

beforeAll(async () => {
  // The SDK reads credentials from the process environment; cognito-local accepts any.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_PROFILE', '');
  cl = await startCognitoLocal();
  // Cognito takes plain http only for localhost (the recorded config is validated as AWS would take it).
  redirectUri = `http://localhost:${await freePort()}/callback`;
  userPoolId = await cl.createPool({ UsernameAttributes: ['email'] });
  ({ clientId } = await cl.createClient(userPoolId, { CallbackURLs: [redirectUri], AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email', 'profile'], AllowedOAuthFlowsUserPoolClient: true }));
  const common = { issuer: cl.issuer(userPoolId), jwksUri: cl.jwksUri(userPoolId), clientId, routes: ROUTES };
  good = await startApiServer(common);
  leaky = await startApiServer({ ...common, leaky: true });
  cwd = tempDir();
  writeState(cwd);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await good?.stop();
  await leaky?.stop();
  await cl?.stop();
});

const run = (argv: string[], o: { env?: NodeJS.ProcessEnv; stdin?: string; tty?: boolean } = {}) =>
  runCliOnce(argv, { cwd, env: { SECURE_API_INVOKE_URL_OVERRIDE: good.url, ...o.env }, stdin: o.stdin, tty: o.tty });

const listUsers = async (): Promise<Array<{ username: string; email?: string }>> => {
  const r = await run(['users', 'list', '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { users: Array<{ username: string; email?: string }> }).users;
};

describe('secure-api verify', () => {
  it('passes against the secured API, prints the table and the verdict, removes the test user', async () => {
    const r = await run(['verify']);
    expect(r.stderr).toMatch(/Test user secure-api-test-[0-9a-f]+@example\.com created/);
    expect(r.stderr).toMatch(/Test user .* removed/);
    expect(r.stdout).toMatch(/✓ secured: \d+ checks passed/);
    expect(r.stdout).toContain('no-token');
    expect(r.code).toBe(0);
    expect(await listUsers()).toEqual([]);
  });

  it('exits 1 against an API that lets calls without a token through, the leak first', async () => {
    const r = await run(['verify', '--json'], { env: { SECURE_API_INVOKE_URL_OVERRIDE: leaky.url } });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; rows: Array<{ check: string; severity: string; ok: boolean }>; testUser: { removed: boolean } };
    expect(doc.ok).toBe(false);
    expect(doc.rows[0]).toMatchObject({ check: 'no-token', severity: 'critical', ok: false });
    expect(doc.testUser.removed).toBe(true);
    expect(r.stderr).toMatch(/Error: NOT SECURED: 3 calls without a valid token got through/);
    expect(r.stdout).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(await listUsers()).toEqual([]);
  });

  it('explains a Lambda proxy 500 and what to do, stops waiting on it, and ends with the Next block', async () => {
    const broken = await startApiServer({ issuer: cl.issuer(userPoolId), jwksUri: cl.jwksUri(userPoolId), clientId, routes: ROUTES, lambda500: true });
    try {
      const r = await run(['verify'], { env: { SECURE_API_INVOKE_URL_OVERRIDE: broken.url } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('GET /items: 500 Internal server error 3 times from a live stage: not waiting for it');
      expect(r.stdout).toContain('What the answers mean:');
      expect(r.stdout).toMatch(/500 Internal server error \(GET \/items id-token, POST \/items id-token and 2 more\)/);
      expect(r.stdout).toMatch(/could not run the Lambda function/);
      // The sample function's 500: its log events say how it failed (secure-api logs), status checks the permission.
      const said = r.stdout.replace(/\s+/g, ' ');
      expect(said).toContain('→ `secure-api logs --stack demo --since 15m` shows whether the function ran and how it failed');
      expect(said).toMatch(/`secure-api status --stack demo` checks the permission/);
      expect(r.stdout).toMatch(/✗ 4 checks failed \(no call without a valid token got through: 9 got 401\)/);
      const next = r.stdout.trimEnd().split('\n').slice(-4);
      expect(next[0]).toBe('Next:');
      expect(next[1]).toMatch(/^ {2}secure-api status --stack demo +what exists, live/);
      expect(await listUsers()).toEqual([]);
    } finally {
      await broken.stop();
    }
  });

  it('removes the test user when interrupted while waiting for the deployment (exit 130)', async () => {
    const stuck = await startApiServer({ issuer: cl.issuer(userPoolId), jwksUri: cl.jwksUri(userPoolId), clientId, routes: ROUTES, warmupRequests: 1_000 });
    try {
      const ctrl = new AbortController();
      const cli = startCli(['verify'], { cwd, env: { SECURE_API_INVOKE_URL_OVERRIDE: stuck.url }, signal: ctrl.signal });
      for (let i = 0; i < 100 && !cli.stderr().includes('waiting for the deployment'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(cli.stderr()).toContain('waiting for the deployment to answer: the stage does not serve this path yet');
      ctrl.abort();
      const r = await cli.done;
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/Test user .* removed/);
      expect(await listUsers()).toEqual([]);
    } finally {
      await stuck.stop();
    }
  });

  it('keeps the user with --keep-user', async () => {
    const r = await run(['verify', '--keep-user'], { tty: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Test user kept \(--keep-user\): (\S+), password \S+ \(shown once/);
    const kept = /kept \(--keep-user\): (\S+),/.exec(r.stderr)?.[1] ?? '';
    expect((await listUsers()).map((u) => u.email)).toEqual([kept]);
    expect((await run(['users', 'remove', kept])).stdout).toContain(`Removed ${kept}`);
  });
});

describe('secure-api token', () => {
  it('prints only the id token on stdout, through the stack\'s token user (made once, reused)', async () => {
    const first = await run(['token']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(first.stdout.trim())?.claims).toMatchObject({ token_use: 'id', aud: clientId, email: 'secure-api-token@example.com' });
    expect(first.stderr).toContain('Created the stack\'s token user');
    const second = await run(['token', '--access']);
    expect(decodeJwt(second.stdout.trim())?.claims.token_use).toBe('access');
    expect(second.stderr).not.toContain('Created');
    expect(second.stderr).toContain('accepts only the id token');
    const res = await fetch(`${good.url}/items`, { headers: { Authorization: first.stdout.trim() } });
    expect(res.status).toBe(200);
    expect((await run(['users', 'remove', 'secure-api-token@example.com'])).code).toBe(0);
  });

  it('signs in a given user with --password-stdin, and fails with a wrong password', async () => {
    expect((await run(['users', 'add', 'ada@example.com', '--password-stdin'], { stdin: 'Ada-L0velace!\n' })).code).toBe(0);
    const ok = await run(['token', '--username', 'ada@example.com', '--password-stdin'], { stdin: 'Ada-L0velace!\n' });
    expect(ok.code).toBe(0);
    expect(decodeJwt(ok.stdout.trim())?.claims.email).toBe('ada@example.com');
    const bad = await run(['token', '--username', 'ada@example.com', '--password-stdin'], { stdin: 'wrong\n' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    // Said through the error catalogue (AWS answers NotAuthorizedException; cognito-local, InvalidPasswordException).
    expect(bad.stderr).toMatch(/InitiateAuth: .*\((NotAuthorizedException|InvalidPasswordException): /);
    expect((await run(['users', 'remove', 'ada@example.com'])).code).toBe(0);
  });

  it('--login: prints the URL when no browser opens, catches the code on the callback, exchanges it (PKCE)', async () => {
    expect((await run(['users', 'add', 'grace@example.com', '--password-stdin'], { stdin: 'Gr4ce-Hopper!\n' })).code).toBe(0);
    const cli = startCli(['token', '--login'], { cwd, env: { SECURE_API_HOSTED_UI_URL_OVERRIDE: cl.endpoint } });
    let url: string | undefined;
    for (let i = 0; i < 100 && !url; i++) {
      url = /Open this URL in a browser and sign in:\n\s+(\S+)/.exec(cli.stderr())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url).toMatch(/\/oauth2\/authorize\?.*code_challenge_method=S256/);
    // Play the browser: the login form, then the redirect to our callback.
    const html = await (await fetch(url ?? '')).text();
    const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const post = await fetch(new URL('/oauth2/authorize', cl.endpoint), { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...fields, username: 'grace@example.com', password: 'Gr4ce-Hopper!' }) });
    await (await fetch(post.headers.get('location') ?? '')).text();
    const r = await cli.done;
    expect(r.code).toBe(0);
    expect(decodeJwt(r.stdout.trim())?.claims).toMatchObject({ token_use: 'id', email: 'grace@example.com' });
    expect((await run(['users', 'remove', 'grace@example.com'])).code).toBe(0);
  });
});

describe('secure-api users', () => {
  it('adds with a generated password shown once, lists, removes (twice is fine)', async () => {
    const add = await run(['users', 'add', 'linus@example.com'], { tty: true });
    expect(add.code, add.stderr).toBe(0);
    const password = /Password: (\S+)/.exec(add.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);
    const token = await run(['token', '--username', 'linus@example.com', '--password-stdin'], { stdin: `${password}\n` });
    expect(token.code).toBe(0);
    const list = await run(['users', 'list']);
    expect(list.stdout).toContain('linus@example.com');
    expect((await run(['users', 'remove', 'linus@example.com'])).stdout).toMatch(/^Removed linus@example.com/);
    expect((await run(['users', 'remove', 'linus@example.com'])).stdout).toMatch(/^No user linus@example.com/);
    expect(await listUsers()).toEqual([]);
  });

  it('refuses a password that misses the policy, and a name that is not an email', async () => {
    expect((await run(['users', 'add', 'x@example.com', '--password-stdin'], { stdin: 'short\n' })).stderr).toMatch(/needs at least 8 characters/);
    const r = await run(['users', 'add', 'not-an-email', '--password-stdin'], { stdin: 'Str0ng&Secret-Pw!42\n' });
    expect(r.stderr).toMatch(/"not-an-email" is not one/);
    expect(r.code).toBe(2);
    expect(await listUsers()).toEqual([]);
  });
});

describe('secure-api export', () => {
  it('writes a Postman collection + environment that newman runs green with a token from `secure-api token`', async () => {
    const out = join(cwd, 'exports');
    const r = await run(['export', 'postman', '--out', out]);
    expect(r.code).toBe(0);
    const collection: unknown = JSON.parse(readFileSync(join(out, 'demo.postman_collection.json'), 'utf8'));
    const environment = JSON.parse(readFileSync(join(out, 'demo.postman_environment.json'), 'utf8')) as { values: Array<{ key: string; value: string }> };
    expect(environment.values.find((v) => v.key === 'id_token')?.value).toBe('');
    const token = (await run(['token'])).stdout.trim();
    environment.values = environment.values.map((v) => (v.key === 'id_token' ? { ...v, value: token } : v));
    const summary = await new Promise<NewmanRunSummary>((ok, fail) => newman.run({ collection, environment }, (err, s) => (err ? fail(err) : ok(s))));
    expect(summary.run.failures.map((f) => f.error.test ?? f.error.message)).toEqual([]);
    expect(summary.run.stats.requests.total).toBe(3 + 3 + 1 + 4);
    await run(['users', 'remove', 'secure-api-token@example.com']);
  });

  it('a confidential client: prints the command that reads the secret (never the secret); once pasted, newman signs in and runs green', async () => {
    const { clientId: confId, clientSecret } = await cl.createClient(userPoolId, { secret: true });
    expect(clientSecret).toBeTruthy();
    // Its own folder: the other tests count on one stack in theirs.
    const confCwd = tempDir();
    writeState(confCwd, { stack: 'conf', clientId: confId, confidential: true });
    const run = (argv: string[], o: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) => runCliOnce(argv, { cwd: confCwd, env: { SECURE_API_INVOKE_URL_OVERRIDE: good.url, ...o.env }, stdin: o.stdin });
    const api = await startApiServer({ issuer: cl.issuer(userPoolId), jwksUri: cl.jwksUri(userPoolId), clientId: confId, routes: ROUTES });
    try {
      const out = join(confCwd, 'exports');
      const env = { SECURE_API_INVOKE_URL_OVERRIDE: api.url };
      const r = await run(['export', 'postman', '--stack', 'conf', '--out', out], { env });
      expect(r.code).toBe(0);
      const command = `aws cognito-idp describe-user-pool-client --user-pool-id ${userPoolId} --client-id ${confId} --region us-east-1 --endpoint-url ${cl.endpoint} --query UserPoolClient.ClientSecret --output text`;
      expect(r.stderr).toContain('Paste it into the environment variable client_secret');
      expect(r.stderr).toContain(command);
      const files = [readFileSync(join(out, 'conf.postman_collection.json'), 'utf8'), readFileSync(join(out, 'conf.postman_environment.json'), 'utf8')];
      for (const text of [r.stdout, r.stderr, ...files]) expect(text).not.toContain(clientSecret);
      const collection = JSON.parse(files[0]!) as { item: Array<{ name: string }> };
      expect(collection.item[0]?.name).toBe('sign in');
      const environment = JSON.parse(files[1]!) as { values: Array<{ key: string; value: string; type: string }> };
      expect(environment.values.find((v) => v.key === 'client_secret')).toMatchObject({ value: '', type: 'secret' });
      // What the user does: a user of the pool, and the secret the printed command reads, pasted into the environment.
      const password = 'Postman&Secret-Pw!42';
      expect((await run(['users', 'add', 'postman@example.com', '--stack', 'conf', '--password-stdin'], { env, stdin: `${password}\n` })).code).toBe(0);
      const pasted: Record<string, string> = { username: 'postman@example.com', password, client_secret: clientSecret ?? '' };
      environment.values = environment.values.map((v) => (v.key in pasted ? { ...v, value: pasted[v.key] ?? '' } : v));
      const summary = await new Promise<NewmanRunSummary>((ok, fail) => newman.run({ collection, environment }, (err, s) => (err ? fail(err) : ok(s))));
      expect(summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.message}`)).toEqual([]);
      // sign in, then 3 without and 3 with the token it fetched, the public route, 4 preflights.
      expect(summary.run.stats.requests.total).toBe(1 + 3 + 3 + 1 + 4);
      await run(['users', 'remove', 'postman@example.com', '--stack', 'conf'], { env });
    } finally {
      await api.stop();
    }
  });

  it('prints curl lines, or writes them with --out', async () => {
    const r = await run(['export', 'curl']);
    expect(r.stdout).toContain(`curl -sS -i -w '\\n' -X GET -H "Authorization: $ID_TOKEN" '${good.url}/items/1'   # expect 2xx`);
    const w = await run(['export', 'curl', '--out', join(cwd, 'exports')]);
    expect(w.stdout.trim()).toBe(join(cwd, 'exports', 'demo.curl.sh'));
    expect(existsSync(join(cwd, 'exports', 'demo.curl.sh'))).toBe(true);
  });

  it('exits 2 on an unknown stack', async () => {
    const r = await run(['export', 'curl', '--stack', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no stack "nope"/);
  });
});
