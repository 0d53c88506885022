/**
 * A change to a live stack killed with SIGKILL at seeded named calls of the change (SECURE_API_FAKE_KILL, learned from
 * a clean change; never after a sleep): `init` with new flags runs as a process against the
 * fake and dies mid-change (an update journaled `updating`, a delete journaled `deleting`, a create half-made). Then a
 * plain `init`, without the flags (the recorded configuration is the one being applied), finishes the change with
 * nothing duplicated; and destroy still removes everything.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { loadFakeFile, seeded, startCli } from './support/binary.js';
import type { CallRef } from './support/faults.js';
import { INIT, STACK, destroyAndExpectNothingLeft, learnCalls, scenario, type Scenario } from './support/scenario.js';
import { tempDir } from '../support/harness.js';

const figures = suiteFigures('sigkill-update');
const CHANGE = ['init', '--yes', '--no-verify', '--stack', STACK, '--password-min-length', '12', '--route', 'GET,POST /items', '--route', 'GET /orders', '--authorizer-scopes', 'openid'];
let s: Scenario | undefined;
afterEach(() => s?.restore());

async function created(): Promise<string> {
  const cwd = tempDir('secure-api-kill-update-');
  const p = startCli(INIT, { cwd, latencyMs: 0 });
  const exit = await p.exited;
  expect(exit.code, exit.stderr).toBe(0);
  return cwd;
}

/** The mutating calls of a clean change, in order (learned in-process against the same fake). */
let calls: CallRef[] = [];
beforeAll(async () => {
  // Calls made once in the change: the in-process run and the process agree on those (repeated ones, such as one
  // PutIntegrationResponse per mock method, may be counted differently by a run that resumes or retries).
  const all = await learnCalls([INIT, CHANGE]);
  calls = all.filter((c) => all.filter((x) => x.command === c.command).length === 1);
}, 60_000);

describe('a change to a live stack killed with SIGKILL', () => {
  it('an unkilled change completes', async () => {
    const cwd = await created();
    const exit = await startCli(CHANGE, { cwd }).exited;
    expect(exit.code, exit.stderr).toBe(0);
    figures.runs += 2;
    figures.cases++;
  });

  const rand = seeded(20_261_111);
  const points = Array.from({ length: 5 }, () => rand());
  it.each(points.map((f, i) => [i + 1, f]))('kill point %i (at %f of the change\'s calls): a plain init finishes it, nothing duplicated; destroy leaves nothing', async (_i, fraction) => {
    const cwd = await created();
    // As the nth such call is sent (counted as the learned run counts them: sent, whatever AWS answered).
    const c = calls[Math.min(calls.length - 1, Math.floor(fraction * calls.length))]!;
    const point = `${c.command}:${c.nth}:before`;
    const exit = await startCli(CHANGE, { cwd, env: { SECURE_API_FAKE_KILL: point } }).exited;
    expect(exit.signal, `killed at ${point}: ${exit.stderr}`).toBe('SIGKILL');
    figures.runs += 2;
    figures.faults++;
    s = scenario({}, cwd, { dataPlane: false });
    s.clock.t = Date.now();
    loadFakeFile(s.fake, cwd);
    const resumed = await s.run(['init', '--yes', '--no-verify', '--stack', STACK]);
    figures.runs++;
    expect(resumed.code, resumed.stderr).toBe(0);
    const st = s.state()!;
    expect(Object.values(st.nodes).every((n) => n.status === 'created' && n.pending === undefined)).toBe(true);
    expect(Object.keys(st.nodes)).toContain('method:GET /orders');
    expect((st.config as { userPool: { passwordPolicy: { minLength: number } } }).userPool.passwordPolicy.minLength).toBe(12);
    s.expectExact();
    // One deployment made by the first init, one for the change, wherever the kill fell: a deployment made just
    // before the kill (its answer never recorded) is taken by the resumed run, not made again.
    const apis = Object.values(s.fake.state.apigateway.apis);
    expect(apis).toHaveLength(1);
    expect(Object.keys(apis[0]!.deployments)).toHaveLength(2);
    const again = await s.run(['plan', '--stack', STACK]);
    expect(again.code, again.stdout).toBe(0);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `a change killed at ${point}`);
    figures.cases++;
  });
});
