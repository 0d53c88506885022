import { describe, expect, it } from 'vitest';
import { markOf, runChecks, sortRows, verdictOf, type CheckEvent, type CheckRow, type RouteTarget } from '../../src/verify/checks.js';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const ID = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ token_use: 'id', sub: 'u' })}.sig-id`;
const ACCESS = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ token_use: 'access', scope: 'aws.cognito.signin.user.admin' })}.sig-access`;
const routes: RouteTarget[] = [
  { path: '/items', method: 'GET', secured: true, url: 'https://api.test/dev/items' },
  { path: '/health', method: 'GET', secured: false, url: 'https://api.test/dev/health' },
];
const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET,OPTIONS' };

/** A fake API: secured unless `leak`; answers 403 Missing Authentication Token for the first `warm` calls. Echoes the Authorization header in 2xx bodies. */
function fakeApi(o: { leak?: boolean; warm?: number } = {}): typeof fetch {
  let warm = o.warm ?? 0;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const auth = new Headers(init?.headers).get('authorization');
    if (warm-- > 0) return new Response('{"message":"Missing Authentication Token"}', { status: 403 });
    if (init?.method === 'OPTIONS') return new Response(null, { status: 200, headers: cors });
    if (url.endsWith('/health') || auth === ID || (o.leak && !auth)) return new Response(JSON.stringify({ echo: auth }), { status: 200, headers: cors });
    return new Response('{"message":"Unauthorized"}', { status: 401, headers: cors });
  }) as typeof fetch;
}

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => { t += ms; } };
}

describe('runChecks', () => {
  it('passes against a secured API and never puts a token in a row', async () => {
    const report = await runChecks(routes, { tokens: { idToken: ID, accessToken: ACCESS }, fetch: fakeApi(), ...clock() });
    expect(report.verdict.ok).toBe(true);
    expect(report.verdict.summary).toMatch(/^secured: /);
    const checks = report.rows.map((r) => `${r.route} ${r.check} ${r.ok}`);
    expect(checks).toEqual([
      '/items no-token true', '/items cors-on-401 true', '/items malformed-token true', '/items forged-token true',
      '/items id-token true', '/items access-token true', '/items bearer-token true', '/items preflight true',
      '/health public-no-token true', '/health preflight true',
    ]);
    const text = JSON.stringify(report);
    expect(text).not.toContain('sig-id');
    expect(text).not.toContain('sig-access');
  });

  it('marks a call without a token that gets through as critical, first', async () => {
    const report = await runChecks(routes, { tokens: { idToken: ID, accessToken: ACCESS }, fetch: fakeApi({ leak: true }), ...clock() });
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.critical).toBe(1);
    expect(report.verdict.summary).toMatch(/^NOT SECURED: 1 call without a valid token got through/);
    expect(report.rows[0]).toMatchObject({ route: '/items', check: 'no-token', expected: '401', got: '200', ok: false, severity: 'critical' });
  });

  it('waits while the stage is not there yet, and says so', async () => {
    const events: CheckEvent[] = [];
    const c = clock();
    const report = await runChecks(routes, { tokens: { idToken: ID, accessToken: ACCESS }, fetch: fakeApi({ warm: 4 }), ...c, onEvent: (e) => events.push(e) });
    expect(report.verdict.ok).toBe(true);
    const waits = events.filter((e) => e.type === 'waiting');
    expect(waits).toHaveLength(4);
    expect(waits[0]).toMatchObject({ type: 'waiting', route: '/items', reason: expect.stringMatching(/Missing Authentication Token/) });
    expect(report.waitedMs).toBe(500 + 1000 + 2000 + 4000);
  });

  it('gives up waiting at the bound and reports what it got', async () => {
    const report = await runChecks(routes.slice(0, 1), { fetch: fakeApi({ warm: 1000 }), ...clock(), propagationMs: 20_000 });
    expect(report.waitedMs).toBe(20_000);
    expect(report.rows.find((r) => r.check === 'no-token')).toMatchObject({ got: '403 Missing Authentication Token', ok: false, severity: 'error' });
  });

  it('with a deployment long live, a Missing Authentication Token that repeats three times is final', async () => {
    let calls = 0;
    const api = fakeApi({ warm: 1000 });
    const counting = ((i: string | URL | Request, init?: RequestInit) => { calls++; return api(i, init); }) as typeof fetch;
    const report = await runChecks(routes.slice(0, 1), { fetch: counting, ...clock(), deploymentLive: true });
    expect(report.waitedMs).toBe(500 + 1000);
    // no-token ×3, malformed, forged, preflight.
    expect(calls).toBe(3 + 1 + 1 + 1);
    expect(report.diagnoses.map((d) => d.kind)).toEqual(['missing-auth-token']);
  });

  it('without tokens (an MFA that cannot be answered unattended), the verdict is not ok and names each unproven method and its command', async () => {
    const report = await runChecks(routes.slice(0, 1), { fetch: fakeApi(), ...clock(), stackArgs: ' --stack demo', tokensSkipped: 'the pool requires SMS MFA' });
    expect(report.verdict).toMatchObject({ ok: false, critical: 0, errors: 0, unproven: [{ route: '/items', method: 'GET', why: 'the pool requires SMS MFA', command: 'secure-api token --login --stack demo' }] });
    expect(report.verdict.summary).toBe('not proven: no valid token reached GET /items, so no 2xx was shown there (5 checks passed: 3 calls without a valid token got 401)');
  });

  it('explains a refused id token', async () => {
    const refuseAll = (async (_i: string | URL | Request, init?: RequestInit) => (init?.method === 'OPTIONS'
      ? new Response(null, { status: 200, headers: cors })
      : new Response('{"message":"Unauthorized"}', { status: 401, headers: cors }))) as typeof fetch;
    const report = await runChecks(routes.slice(0, 1), { tokens: { idToken: ID, accessToken: ACCESS }, fetch: refuseAll, ...clock(), propagationMs: 5_000 });
    expect(report.rows[0]).toMatchObject({ check: 'id-token', ok: false, severity: 'error', got: '401 Unauthorized' });
    expect(report.explanations.join('\n')).toMatch(/deploy again/);
  });

  it('with a custom scope and no machine token: the id token and the user\'s access token must get 401, and the method is unproven', async () => {
    const scoped: RouteTarget[] = [{ ...routes[0]!, scopes: ['api/read'] }];
    const report = await runChecks(scoped, { tokens: { idToken: ID, accessToken: ACCESS }, fetch: fakeApi(), ...clock(), stackArgs: ' --stack demo' });
    expect(report.rows.find((r) => r.check === 'access-token')).toMatchObject({ expected: '401', severity: 'error', ok: true });
    expect(report.rows.find((r) => r.check === 'id-token')).toMatchObject({ expected: '401', severity: 'error', ok: false, got: '200' });
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.unproven).toEqual([expect.objectContaining({ route: '/items', command: 'secure-api token --login --access --stack demo', why: expect.stringMatching(/requires scope api\/read.*machine client/) })]);
  });

  it('with a custom scope, the machine client\'s token proves the 2xx; the id token and a token without the scope get 401', async () => {
    const MACHINE = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ token_use: 'access', scope: 'api/read', client_id: 'm' })}.sig-machine`;
    const scopedApi = (async (input: string | URL | Request, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization');
      if (init?.method === 'OPTIONS') return new Response(null, { status: 200, headers: cors });
      return auth === MACHINE ? new Response('{}', { status: 200, headers: cors }) : new Response('{"message":"Unauthorized"}', { status: 401, headers: cors });
    }) as typeof fetch;
    const scoped: RouteTarget[] = [{ ...routes[0]!, scopes: ['api/read'] }];
    const report = await runChecks(scoped, { tokens: { idToken: ID, accessToken: ACCESS }, machineToken: MACHINE, fetch: scopedApi, ...clock() });
    expect(report.rows.map((r) => `${r.check} ${r.expected} ${r.ok}`)).toEqual(expect.arrayContaining(['id-token 401 true', 'access-token 401 true', 'machine-token 2xx true']));
    expect(report.verdict).toMatchObject({ ok: true, unproven: [] });
    expect(JSON.stringify(report)).not.toContain('sig-machine');
  });

  it('the summary counts what the table marks: ✓ as passed, i as notes', async () => {
    const report = await runChecks(routes, { tokens: { idToken: ID, accessToken: ACCESS }, fetch: fakeApi(), ...clock() });
    const marks = report.rows.map(markOf);
    expect(report.verdict.passed).toBe(marks.filter((m) => m === '✓').length);
    expect(report.verdict.notes).toBe(marks.filter((m) => m === 'i').length);
    expect(report.verdict.summary).toBe(`secured: ${report.verdict.passed} checks passed, ${report.verdict.notes} note`);
    expect(report.verdict.passed + report.verdict.notes).toBe(report.rows.length);
  });
});

describe('sortRows / verdictOf', () => {
  const row = (check: CheckRow['check'], ok: boolean, severity: CheckRow['severity']): CheckRow => ({ route: '/a', method: 'GET', check, expected: '', got: '', ok, severity });
  it('puts critical failures first, then errors, keeping order otherwise', () => {
    const rows = [row('preflight', true, 'error'), row('id-token', false, 'error'), row('access-token', false, 'info'), row('no-token', false, 'critical')];
    expect(sortRows(rows).map((r) => r.check)).toEqual(['no-token', 'id-token', 'access-token', 'preflight']);
    expect(verdictOf(rows)).toMatchObject({ ok: false, critical: 1, errors: 1 });
  });
});
