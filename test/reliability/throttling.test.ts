/**
 * AWS throttling and 5xx: retried with backoff, jitter and Retry-After, bounded in time, and, when the bound is
 * reached, an error that names the call and says what to do. On the virtual clock, so minutes of backoff cost nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { mutatingCalls } from './support/faults.js';
import { DESTROY, INIT, STACK, destroyAndExpectNothingLeft, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('throttling');
let s: Scenario | undefined;
afterEach(() => s?.restore());

describe('20% of calls throttled (seeded)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: init, status and destroy complete; nothing left', async (seed) => {
    s = scenario({ seed });
    const throttle = s.fake.inject({ command: '*', throttle: 0.2 });
    const r = await s.run(INIT);
    expect(r.code, r.stderr).toBe(0);
    s.expectExact();
    const st = await s.run(['status', '--stack', STACK]);
    expect(st.code, st.stderr).toBe(0);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `20% throttling, seed ${seed}`);
    figures.runs += 3;
    expect(throttle.applied, 'some calls were throttled').toBeGreaterThan(5);
    figures.faults += throttle.applied;
    figures.cases++;
  });

  it('one 5xx on every mutating call of init and destroy: each is retried, both complete', async () => {
    s = scenario();
    const probe = scenario();
    expect((await probe.run(INIT)).code).toBe(0);
    expect((await probe.run(DESTROY)).code).toBe(0);
    const calls = mutatingCalls(probe.fake.calls);
    probe.restore();
    s = scenario();
    const rules = [...new Set(calls.map((c) => c.command))].map((command) =>
      s!.fake.inject({ command, error: 'ServiceUnavailableException', times: 1 }));
    expect((await s.run(INIT)).code).toBe(0);
    s.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'a 5xx on each call');
    figures.runs += 2;
    figures.faults += rules.reduce((n, r) => n + r.applied, 0);
    figures.cases++;
  });
});

describe('DeleteRestApi pacing (about one per 30 s per account)', () => {
  it('destroying two stacks back to back: the second waits as Retry-After asks, without hammering', async () => {
    s = scenario({ deleteRestApiWindowMs: 30_000 });
    const other = ['init', '--yes', '--no-verify', '--stack', 'other', '--no-hosted-ui'];
    expect((await s.run(INIT)).code).toBe(0);
    expect((await s.run(other)).code).toBe(0);
    expect((await s.run(DESTROY)).code).toBe(0);
    const before = s.fake.count('DeleteRestApi');
    const t0 = s.clock.now();
    const d = await s.run(['destroy', '--yes', '--stack', 'other']);
    expect(d.code, d.stderr).toBe(0);
    expect(s.fake.resources()).toEqual([]);
    const attempts = s.fake.count('DeleteRestApi') - before;
    expect(attempts, 'throttled once, then let through after Retry-After').toBeGreaterThanOrEqual(2);
    expect(attempts, 'Retry-After honoured, not hammered').toBeLessThanOrEqual(3);
    expect(s.clock.now() - t0).toBeGreaterThanOrEqual(25_000);
    expect(d.stderr).toMatch(/DeleteRestApi: TooManyRequestsException, retrying in \d+\.\ds/);
    figures.runs += 4;
    figures.faults += attempts - 1;
    figures.cases++;
  });

  it('throttled for good: destroy stops after a bounded wait naming apigateway:DeleteRestApi; the next destroy finishes', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    const rule = s.fake.inject({ command: 'DeleteRestApi', error: 'TooManyRequestsException', retryAfterSeconds: 30, times: Number.POSITIVE_INFINITY });
    const t0 = s.clock.now();
    const d = await s.run(DESTROY);
    rule.remove();
    expect(d.code, d.stderr).toBe(1);
    expect(s.clock.now() - t0, 'bounded').toBeLessThanOrEqual(200_000);
    expect(d.stderr).toMatch(/apigateway:DeleteRestApi was throttled on all \d+ attempts over \d+ s \(TooManyRequestsException/);
    expect(d.stderr).toMatch(/Wait a minute, then run the same command again/);
    expect(d.stderr).toContain(`secure-api destroy --stack ${STACK}\` again`);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'DeleteRestApi throttled for good');
    figures.runs += 3;
    figures.faults += rule.applied;
    figures.cases++;
  });
});

describe('bounded retries end in an error that names the call', () => {
  it.each([
    ['CreateRestApi', 'TooManyRequestsException', /apigateway:CreateRestApi was throttled on all \d+ attempts over \d+ s/],
    ['CreateUserPool', 'TooManyRequestsException', /cognito-idp:CreateUserPool was throttled on all \d+ attempts/],
    ['CreateRole', 'Throttling', /iam:CreateRole was throttled on all \d+ attempts/],
    ['PutMethod', 'ServiceUnavailableException', /apigateway:PutMethod was failing on all \d+ attempts[\s\S]*health\.aws\.amazon\.com/],
    ['CreateUserPoolClient', 'InternalErrorException', /cognito-idp:CreateUserPoolClient was failing on all \d+ attempts/],
  ])('%s answering %s for good: exit 1 within the bound, the call named, the resume hint; then resume and destroy', async (command, error, message) => {
    s = scenario();
    const rule = s.fake.inject({ command, error, times: Number.POSITIVE_INFINITY });
    const t0 = s.clock.now();
    const r = await s.run(INIT);
    rule.remove();
    expect(r.code, r.stderr).toBe(1);
    expect(s.clock.now() - t0).toBeLessThanOrEqual(100_000);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('(with the flags or --config it had) to resume');
    // About one attempt per 1.5 s (backoff capped at 2 s, equal jitter) for at most 90 s; once the run has failed,
    // calls still queued get one attempt each, not a retry budget each.
    expect(rule.applied).toBeLessThanOrEqual(90);
    s.expectExact();
    expect((await s.run(INIT)).code).toBe(0);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `${command} ${error} for good`);
    figures.runs += 3;
    figures.faults += rule.applied;
    figures.cases++;
  });

  it('a new role not assumable for longer than the propagation bound: CreateFunction gives up (~90 s), resume completes', async () => {
    s = scenario({ lambdaAssumeWindowMs: 200_000 });
    const t0 = s.clock.now();
    const r = await s.run(INIT);
    expect(r.code, r.stderr).toBe(1);
    expect(s.clock.now() - t0).toBeLessThan(150_000);
    expect(r.stderr).toMatch(/lambda-function demo-fn-[a-z0-9]{6} failed: InvalidParameterValueException: .*cannot be assumed/);
    expect(r.stderr).toContain('(with the flags or --config it had) to resume');
    s.clock.t += 200_000;
    expect((await s.run(INIT)).code).toBe(0);
    s.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'a slow IAM role');
    figures.runs += 3;
    figures.faults += s.fake.count('CreateFunction') - 1;
    figures.cases++;
  });
});
