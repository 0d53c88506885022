/**
 * A change to a live stack killed with SIGKILL at seeded moments: `init` with new flags runs as a process against the
 * fake and dies mid-change (an update journaled `updating`, a delete journaled `deleting`, a create half-made). Then a
 * plain `init`, without the flags (the recorded configuration is the one being applied), finishes the change with
 * nothing duplicated; and destroy still removes everything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { loadFakeFile, seeded, sleep, startCli } from './support/binary.js';
import { INIT, STACK, destroyAndExpectNothingLeft, scenario, type Scenario } from './support/scenario.js';
import { tempDir } from '../support/harness.js';

const figures = suiteFigures('sigkill-update');
const LATENCY_MS = 25;
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

let changeMs = 0;

describe('a change to a live stack killed with SIGKILL', () => {
  it('measures one whole change (the range the kill points are drawn from)', async () => {
    const cwd = await created();
    const p = startCli(CHANGE, { cwd, latencyMs: LATENCY_MS });
    await p.waitFor(/Changing stack demo/);
    const t = Date.now();
    const exit = await p.exited;
    changeMs = Date.now() - t;
    expect(exit.code, exit.stderr).toBe(0);
    figures.runs += 2;
    figures.cases++;
  });

  const rand = seeded(20_261_111);
  const points = Array.from({ length: 5 }, () => rand());
  it.each(points.map((f, i) => [i + 1, f]))('kill point %i (at %f of the change): a plain init finishes it, nothing duplicated; destroy leaves nothing', async (_i, fraction) => {
    const cwd = await created();
    const p = startCli(CHANGE, { cwd, latencyMs: LATENCY_MS });
    await p.waitFor(/Changing stack demo/);
    await sleep(Math.round(fraction * (changeMs || 2000)));
    p.child.kill('SIGKILL');
    await p.exited;
    figures.runs += 2;
    figures.faults++;
    s = scenario({}, cwd);
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
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `a change killed at ${fraction}`);
    figures.cases++;
  });
});
