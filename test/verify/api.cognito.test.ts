/**
 * Step 6 end to end on this machine: cognito-local issues the tokens, a local server plays the deployed API
 * (aws-jwt-verify against cognito-local's JWKS), and the checks, the Postman collection (run by newman) and
 * the curl lines are run against it — and against a leaky server that lets calls without a token through.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks, type RouteTarget } from '../../src/verify/checks.js';
import { buildCurlLines, buildPostmanCollection, buildPostmanEnvironment, type ExportInput } from '../../src/verify/export.js';
import { withTestUser, type PoolRef, type TestUserSession } from '../../src/verify/test-user.js';
import { invokeUrl } from '../../src/verify/urls.js';
import { refusedUrl, startApiServer, type ApiRoute, type ApiServer } from '../support/api-server.js';
import { startCognitoLocal, type CognitoLocal } from '../support/cognito-local.js';

const ROUTES: ApiRoute[] = [
  { path: '/items', methods: ['GET', 'POST'] },
  { path: '/items/{id}', methods: ['GET', 'DELETE'] },
  { path: '/health', methods: ['GET'], public: true },
];

let cl: CognitoLocal;
let pool: PoolRef;
let good: ApiServer;
let leaky: ApiServer;
beforeAll(async () => {
  cl = await startCognitoLocal();
  const userPoolId = await cl.createPool({ UsernameAttributes: ['email'] });
  const { clientId } = await cl.createClient(userPoolId);
  pool = { userPoolId, clientId };
  const common = { issuer: cl.issuer(userPoolId), jwksUri: cl.jwksUri(userPoolId), clientId, routes: ROUTES };
  good = await startApiServer(common);
  leaky = await startApiServer({ ...common, leaky: true });
});
afterAll(async () => {
  await good?.stop();
  await leaky?.stop();
  await cl?.stop();
});

const targets = (base: string): RouteTarget[] => ROUTES.flatMap((r) => r.methods.map((method) => ({ path: r.path, method, secured: !r.public, url: invokeUrl(base, r.path) })));
const exportInput = (base: string): ExportInput => ({ stack: 'demo', baseUrl: base, routes: ROUTES.map((r) => ({ path: r.path, methods: r.methods, public: r.public ?? false })) });

/** Run the checks as the test user, who is removed afterwards whatever happens. */
const asTestUser = <T>(fn: (s: TestUserSession) => Promise<T>): Promise<T> => withTestUser(cl.client, pool, fn);

function runNewman(base: string, idToken: string): Promise<NewmanRunSummary> {
  const env = buildPostmanEnvironment({ stack: 'demo', baseUrl: base });
  const values = env.values.map((v) => (v.key === 'id_token' ? { ...v, value: idToken } : v));
  return new Promise((ok, fail) => {
    newman.run({ collection: buildPostmanCollection(exportInput(base)), environment: { ...env, values }, timeoutRequest: 10_000 }, (err, summary) => (err ? fail(err) : ok(summary)));
  });
}

const failedTests = (s: NewmanRunSummary): string[] => s.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.message}`);

describe('checks against the local API', () => {
  it('pass against the good server', async () => {
    const report = await asTestUser((s) => runChecks(targets(good.url), { tokens: s, propagationMs: 5_000 }));
    expect(report.rows.filter((r) => !r.ok)).toEqual([]);
    expect(report.verdict).toMatchObject({ ok: true, critical: 0, errors: 0 });
    // id token: 2xx; access token: 401 (information); public route: 2xx without a token.
    expect(report.rows.filter((r) => r.check === 'id-token').every((r) => r.got === '200')).toBe(true);
    expect(report.rows.filter((r) => r.check === 'access-token').every((r) => r.got === '401 Unauthorized' && r.severity === 'info')).toBe(true);
    expect(report.rows.find((r) => r.check === 'public-no-token')).toMatchObject({ route: '/health', ok: true });
  });

  it('fail, critical first, against the leaky server', async () => {
    const report = await asTestUser((s) => runChecks(targets(leaky.url), { tokens: s, propagationMs: 5_000 }));
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.critical).toBe(4);
    expect(report.rows.slice(0, 4).map((r) => `${r.method} ${r.route} ${r.check} ${r.severity} ${r.got}`)).toEqual([
      'GET /items no-token critical 200', 'POST /items no-token critical 200', 'GET /items/{id} no-token critical 200', 'DELETE /items/{id} no-token critical 200',
    ]);
  });

  it('wait for a stage that is still deploying', async () => {
    const warming = await startApiServer({ issuer: cl.issuer(pool.userPoolId), jwksUri: cl.jwksUri(pool.userPoolId), clientId: pool.clientId, routes: ROUTES, warmupRequests: 3 });
    try {
      let waits = 0;
      let t = 0;
      const report = await runChecks(targets(warming.url).slice(0, 1), {
        now: () => t, sleep: async (ms) => { t += ms; }, onEvent: (e) => { if (e.type === 'waiting') waits++; },
      });
      expect(waits).toBe(3);
      expect(report.rows.find((r) => r.check === 'no-token')?.ok).toBe(true);
    } finally {
      await warming.stop();
    }
  });
});

describe('failures explained, and no waiting once waiting cannot help', () => {
  /** A virtual clock: the waits are counted, never slept. */
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => { t += ms; } };
  };
  const serverWith = (extra: Partial<Parameters<typeof startApiServer>[0]>) =>
    startApiServer({ issuer: cl.issuer(pool.userPoolId), jwksUri: cl.jwksUri(pool.userPoolId), clientId: pool.clientId, routes: ROUTES, ...extra });
  const itemsGet = (base: string): RouteTarget[] => [{ path: '/items', method: 'GET', secured: true, url: invokeUrl(base, '/items'), integration: 'sample-lambda' }];

  it('a Lambda proxy answering 500 after the authorizer said 401: three tries, then the invoke permission or the function is named', async () => {
    const api = await serverWith({ lambda500: true });
    try {
      const c = clock();
      const settled: string[] = [];
      const report = await asTestUser((s) => runChecks(itemsGet(api.url), { tokens: s, ...c, stackArgs: ' --stack demo', onEvent: (e) => { if (e.type === 'settled') settled.push(e.reason); } }));
      // GET /items: no-token, malformed, forged, id token ×3 (the same 500 three times, then no more), access, Bearer.
      expect(api.seen.filter((r) => r.method === 'GET').length).toBe(1 + 1 + 1 + 3 + 1 + 1);
      expect(report.waitedMs).toBe(500 + 1000);
      expect(settled).toEqual(['500 Internal server error 3 times from a live stage: not waiting for it']);
      expect(report.rows.find((r) => r.check === 'id-token')).toMatchObject({ got: '500 Internal server error', ok: false, answer: 'integration-failed' });
      expect(report.diagnoses).toHaveLength(1);
      expect(report.diagnoses[0]).toMatchObject({ answer: '500 Internal server error', kind: 'integration-failed', where: ['GET /items id-token'], settled: 'the wait stopped after 3 identical answers' });
      expect(report.diagnoses[0]?.meaning).toMatch(/lambda:InvokeFunction permission for apigateway\.amazonaws\.com/);
      expect(report.diagnoses[0]?.action).toMatch(/`secure-api status --stack demo`/);
      expect(report.verdict.summary).toBe('1 check failed (no call without a valid token got through: 3 got 401)');
    } finally {
      await api.stop();
    }
  });

  it('a path missing from a live deployment (403 Missing Authentication Token): three tries, then "not in the deployment"', async () => {
    const api = await serverWith({ undeployedPaths: ['/items/{id}'] });
    try {
      const targetsNow = targets(api.url).filter((t) => t.method === 'GET' && t.path !== '/health');
      const report = await asTestUser((s) => runChecks(targetsNow, { tokens: s, ...clock() }));
      const missing = api.seen.filter((r) => r.path === '/dev/items/1' && r.method === 'GET');
      // no-token ×3 (then final), malformed, forged, id token ×1 (already known final), access, Bearer.
      expect(missing.length).toBe(3 + 1 + 1 + 1 + 1 + 1);
      expect(report.waitedMs).toBe(500 + 1000);
      const d = report.diagnoses.find((x) => x.kind === 'missing-auth-token');
      expect(d?.meaning).toMatch(/not in the deployment the stage serves/);
      expect(d?.where).toContain('GET /items/{id} no-token');
      expect(report.rows.filter((r) => r.route === '/items' && r.severity !== 'info').every((r) => r.ok)).toBe(true);
    } finally {
      await api.stop();
    }
  });

  it('a refused connection: three tries on the first call, none again, and the URL is named', async () => {
    const url = await refusedUrl();
    let calls = 0;
    const counting = ((input: string | URL | Request, init?: RequestInit) => { calls++; return fetch(input, init); }) as typeof fetch;
    const report = await asTestUser((s) => runChecks(itemsGet(url), { tokens: s, fetch: counting, ...clock() }));
    // no-token ×3, then malformed, forged, id token (known final: once), access, Bearer, preflight: once each.
    expect(calls).toBe(3 + 1 + 1 + 1 + 1 + 1 + 1);
    expect(report.waitedMs).toBe(500 + 1000);
    expect(report.diagnoses).toEqual([expect.objectContaining({ answer: 'network error: ECONNREFUSED', kind: 'refused', settled: 'the wait stopped after 3 identical answers' })]);
    expect(report.diagnoses[0]?.meaning).toContain(`Nothing accepts connections at ${new URL(url).host}`);
    expect(report.verdict.summary).toBe('5 checks failed: nothing was proven, not even the 401 without a token');
  });

  it('a stage just created (bare 403 Forbidden) is waited on like a 404, to the 2xx', async () => {
    const api = await serverWith({ warmupRequests: 3, warmupAnswer: 'forbidden' });
    try {
      let waits = 0;
      const report = await runChecks(itemsGet(api.url), { ...clock(), onEvent: (e) => { if (e.type === 'waiting') waits++; } });
      expect(waits).toBe(3);
      expect(report.rows.find((r) => r.check === 'no-token')).toMatchObject({ ok: true, got: '401 Unauthorized' });
      expect(report.diagnoses).toEqual([]);
    } finally {
      await api.stop();
    }
  });
});

describe('Postman collection run by newman', () => {
  it('passes every test against the good server with an id token in the environment', async () => {
    const summary = await asTestUser((s) => runNewman(good.url, s.idToken));
    expect(failedTests(summary)).toEqual([]);
    expect(summary.run.stats.requests.total).toBe(4 + 4 + 1 + 5);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(14);
  });

  it('fails the "without token" tests against the leaky server', async () => {
    const summary = await asTestUser((s) => runNewman(leaky.url, s.idToken));
    const failed = failedTests(summary);
    expect(failed).toEqual([
      'GET /items without token: 401 without a valid token',
      'POST /items without token: 401 without a valid token',
      'GET /items/{id} without token: 401 without a valid token',
      'DELETE /items/{id} without token: 401 without a valid token',
    ]);
  });
});

describe('curl lines', () => {
  it('answer 401 without and 200 with the id token', async () => {
    const lines = buildCurlLines(exportInput(good.url)).filter((l) => l.startsWith('curl '));
    expect(lines).toHaveLength(4 * 2 + 1);
    const hasCurl = await promisify(execFile)('curl', ['--version']).then(() => true, () => false);
    if (!hasCurl) return; // the text is asserted in export.test.ts
    const status = async (line: string, idToken: string): Promise<string> => {
      const { stdout } = await promisify(execFile)('sh', ['-c', line.replace(/^curl /, 'curl -o /dev/null -w "%{http_code}" ').replace(/ -i -w '\\n'/, '')], { env: { ...process.env, ID_TOKEN: idToken } });
      return stdout.trim();
    };
    const got = await asTestUser(async (s) => Promise.all(lines.map(async (l) => `${await status(l, s.idToken)} ${l.includes('$ID_TOKEN') ? 'token' : 'none'} ${l.split('#')[1]?.trim()}`)));
    expect(got.filter((g) => g.includes('expect 401')).every((g) => g.startsWith('401 none'))).toBe(true);
    expect(got.filter((g) => g.includes('expect 2xx')).every((g) => g.startsWith('200 token'))).toBe(true);
    expect(got.filter((g) => g.includes('public'))).toEqual(['200 none public']);
  });
});
