/**
 * A real SIGKILL: `secure-api init` runs as a process against the fake (memory kept in a file after every changing
 * call, so what "AWS" did survives the kill), and is killed at seeded random moments. Then, in-process: init again
 * completes without a duplicate and destroy leaves nothing; or destroy straight away leaves nothing (what was being
 * created when the process died is found by name and tag). The lock the dead process held is taken over.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { suiteFigures } from './support/figures.js';
import { loadFakeFile, seeded, sleep, startCli } from './support/binary.js';
import { INIT, destroyAndExpectNothingLeft, scenario, type Scenario } from './support/scenario.js';
import { tempDir } from '../support/harness.js';

const figures = suiteFigures('sigkill');
const SEED = 20_260_101;
const LATENCY_MS = 25;
let s: Scenario | undefined;
afterEach(() => s?.restore());

/** How long a whole init takes as a process, from its first progress line (so kill points land inside the run). */
let runMs = 0;

/** Start init as a process, SIGKILL it `delayMs` after it starts creating; returns its directory. */
async function killedInit(delayMs: number): Promise<{ cwd: string; stderr: string }> {
  const cwd = tempDir('secure-api-kill-');
  const p = startCli(INIT, { cwd, latencyMs: LATENCY_MS });
  await p.waitFor(/Creating stack demo/);
  await sleep(delayMs);
  p.child.kill('SIGKILL');
  const exit = await p.exited;
  figures.runs++;
  figures.faults++;
  return { cwd, stderr: exit.stderr };
}

/** Resources the state recorded as created when each kill landed: the kills must spread over the run. */
const progress: number[] = [];

/** An in-process scenario in the killed run's directory, "AWS" as the process left it, on a clock that starts now. */
function afterKill(cwd: string): Scenario {
  s = scenario({}, cwd);
  s.clock.t = Date.now();
  loadFakeFile(s.fake, cwd);
  progress.push(Object.values(s.state()?.nodes ?? {}).filter((n) => n.status === 'created').length);
  return s;
}

describe('init killed with SIGKILL at seeded random moments', () => {
  it('measures one whole run (the range the kill points are drawn from)', async () => {
    const cwd = tempDir('secure-api-kill-');
    const p = startCli(INIT, { cwd, latencyMs: LATENCY_MS });
    await p.waitFor(/Creating stack demo/);
    const t = Date.now();
    const exit = await p.exited;
    runMs = Date.now() - t;
    expect(exit.code, exit.stderr).toBe(0);
    figures.runs++;
    const sc = afterKill(cwd);
    sc.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, 'an unkilled run');
    figures.cases++;
  });

  const rand = seeded(SEED);
  const points = Array.from({ length: 10 }, () => rand());
  it.each(points.map((f, i) => [i + 1, f]))('kill point %i (at %f of the run): init again completes without duplicates; destroy leaves nothing', async (_i, fraction) => {
    const delay = Math.round(fraction * (runMs || 3000));
    const { cwd } = await killedInit(delay);
    const sc = afterKill(cwd);
    const locked = existsSync(`${sc.statePath}.lock`);
    const resumed = await sc.run(INIT);
    figures.runs++;
    expect(resumed.code, `resume after a kill at ${delay} ms: ${resumed.stderr}`).toBe(0);
    // The dead process's lock is stale: taken over, with a warning.
    if (locked) expect(resumed.stderr).toMatch(/took over a stale lock left by PID \d+/);
    sc.expectExact();
    expect(sc.state()?.complete).toBe(true);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, `a kill at ${delay} ms`);
    figures.runs++;
    figures.cases++;
  });

  const rand2 = seeded(SEED + 1);
  const points2 = Array.from({ length: 4 }, () => rand2());
  it.each(points2.map((f, i) => [i + 1, f]))('kill point %i (at %f of the run), then destroy straight away: nothing left', async (_i, fraction) => {
    const delay = Math.round(fraction * (runMs || 3000));
    const { cwd } = await killedInit(delay);
    const sc = afterKill(cwd);
    if (!existsSync(sc.statePath)) {
      // Killed before the state file was first written: no call had been made that creates anything.
      expect(sc.fake.resources()).toEqual([]);
    } else {
      figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, `destroy after a kill at ${delay} ms`);
      figures.runs++;
    }
    figures.cases++;
  });

  it('the kills landed at different points of the run', () => {
    // Excluding the unkilled measurement run.
    const kills = progress.slice(1);
    expect(kills.length).toBe(14);
    expect(new Set(kills).size, `created-resource counts at the kills: ${kills.join(', ')}`).toBeGreaterThanOrEqual(3);
  });
});
