/**
 * A real SIGKILL while init secures an existing API and pool: the process is killed at a few points of its run
 * (the fake's memory is kept in a file after every changing call, so what "AWS" did survives). Then, in-process:
 * init again completes, each secured method's recorded prior is still the authorization it had before (not ours),
 * and destroy leaves the API and the pool exactly as they were.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installAwsFake, type AwsFake } from '../fakes/aws-fake.js';
import { loadFakeFile, saveFakeFile, sleep, startCli } from '../reliability/support/binary.js';
import { runSecureApi, tempDir, VirtualClock } from '../support/harness.js';
import { readState } from '../../src/state/store.js';
import { apiSnapshot, makeBlogPool, makeLegacyApi } from './legacy-api.js';

let fake: AwsFake;
/** One clock for the fake and the in-process runs (its quota refills on it), set to now once the process is gone. */
let clock: VirtualClock;
beforeEach(() => {
  clock = new VirtualClock();
  fake = installAwsFake({ clock });
});
afterEach(() => fake.restore());

/** Nodes the state recorded as created when each kill landed: the kills must fall inside the run. */
const progress: number[] = [];
const LATENCY_MS = 150;
/** How long a whole init takes as a process, from "Creating stack" (measured first, so kill points land inside it). */
let runMs = 0;

async function fixtures(cwd: string) {
  const { apiId } = await makeLegacyApi();
  const poolId = await makeBlogPool();
  saveFakeFile(fake, cwd);
  return { apiId, poolId, args: ['init', '--yes', '--stack', 'legacy', '--api-id', apiId, '--user-pool-id', poolId, '--no-verify'] };
}

describe('init on an existing API killed with SIGKILL midway', () => {
  it('measures one whole run', async () => {
    const cwd = tempDir('secure-api-existing-kill-');
    const { args } = await fixtures(cwd);
    const p = startCli(args, { cwd, latencyMs: LATENCY_MS });
    await p.waitFor(/Creating stack legacy/);
    const t = Date.now();
    const exit = await p.exited;
    runMs = Date.now() - t;
    expect(exit.code, exit.stderr).toBe(0);
  }, 60_000);

  it.each([0.2, 0.5, 0.8])('killed at %f of the run: init again completes, the priors are the API\'s own, destroy restores it exactly', async (fraction) => {
    const cwd = tempDir('secure-api-existing-kill-');
    const { apiId, poolId, args } = await fixtures(cwd);
    const apiBefore = apiSnapshot(fake, apiId);
    const poolBefore = structuredClone(fake.state.cognito.pools[poolId]);
    const p = startCli(args, { cwd, latencyMs: LATENCY_MS });
    await p.waitFor(/Creating stack legacy/);
    await sleep(Math.round(fraction * (runMs || 3000)));
    p.child.kill('SIGKILL');
    await p.exited;
    loadFakeFile(fake, cwd);
    const killed = readState(`${cwd}/.secure-api/legacy.json`);
    progress.push(Object.values(killed?.nodes ?? {}).filter((n) => n.status === 'created').length);
    clock.t = Date.now();
    // The killed process's data plane recorded in the state is on this machine: the runs here reach it unasked.
    const resumed = await runSecureApi(args, { cwd, clock, dataPlane: false });
    expect(resumed.code, resumed.stderr).toBe(0);
    const state = readState(`${cwd}/.secure-api/legacy.json`)!;
    expect(state.complete).toBe(true);
    const methods = Object.values(state.nodes).filter((n) => n.kind === 'secured-method');
    expect(methods).toHaveLength(4);
    for (const n of methods) expect(n.prior, n.label).toEqual({ authorizationType: 'NONE', authorizationScopes: [] });
    const d = await runSecureApi(['destroy', '--stack', 'legacy', '--yes'], { cwd, clock, dataPlane: false });
    expect(d.code, d.stderr).toBe(0);
    expect(apiSnapshot(fake, apiId)).toEqual(apiBefore);
    expect(fake.state.cognito.pools[poolId]).toEqual(poolBefore);
  }, 60_000);

  it('the kills landed midway: some state was recorded and unfinished', () => {
    expect(progress.some((n) => n > 0 && n < 17), `created nodes at each kill: ${progress.join(', ')}`).toBe(true);
  });
});
