/**
 * A real SIGKILL: `secure-api init` runs as a process against the fake (memory kept in a file after every changing
 * call, so what "AWS" did survives the kill), and is killed at seeded named calls of the run (SECURE_API_FAKE_KILL:
 * as the call is sent, or right after AWS acted on it), never after a sleep. Then, in-process: init again completes
 * without a duplicate and destroy leaves nothing; or destroy straight away leaves nothing (what was being created when
 * the process died is found by name and tag). The lock the dead process held is taken over.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { suiteFigures } from './support/figures.js';
import { loadFakeFile, seeded, startCli } from './support/binary.js';
import type { CallRef } from './support/faults.js';
import { INIT, destroyAndExpectNothingLeft, learnCalls, scenario, type Scenario } from './support/scenario.js';
import { tempDir } from '../support/harness.js';

const figures = suiteFigures('sigkill');
const SEED = 20_260_101;
let s: Scenario | undefined;
afterEach(() => s?.restore());

/** The mutating calls of a clean init, in order (learned in-process against the same fake). */
let calls: CallRef[] = [];
beforeAll(async () => {
  calls = await learnCalls([INIT]);
}, 60_000);

/**
 * The kill point for the nth call of the run: `before` (as it is sent) for even draws, else right after AWS acted on it;
 * CreateFunction is refused while the new role propagates, so its occurrences count as sent (before).
 */
function killPoint(fraction: number, draw: number): string {
  const c = calls[Math.min(calls.length - 1, Math.floor(fraction * calls.length))]!;
  return draw % 2 === 0 || c.command === 'CreateFunction' ? `${c.command}:${c.nth}:before` : `${c.command}:${c.nth}`;
}

/** Start init as a process killed at `point`; it must die there. */
async function killedInit(point: string): Promise<{ cwd: string; stderr: string }> {
  const cwd = tempDir('secure-api-kill-');
  const exit = await startCli(INIT, { cwd, env: { SECURE_API_FAKE_KILL: point } }).exited;
  expect(exit.signal, `killed at ${point}: ${exit.stderr}`).toBe('SIGKILL');
  figures.runs++;
  figures.faults++;
  return { cwd, stderr: exit.stderr };
}

/** Resources the state recorded as created when each kill landed: the kills must spread over the run. */
const progress: number[] = [];

/** An in-process scenario in the killed run's directory, "AWS" as the process left it, on a clock that starts now. */
function afterKill(cwd: string): Scenario {
  s = scenario({}, cwd, { dataPlane: false });
  s.clock.t = Date.now();
  loadFakeFile(s.fake, cwd);
  progress.push(Object.values(s.state()?.nodes ?? {}).filter((n) => n.status === 'created').length);
  return s;
}

describe('init killed with SIGKILL at seeded random moments', () => {
  it('an unkilled run is exact, and destroy leaves nothing', async () => {
    const cwd = tempDir('secure-api-kill-');
    const exit = await startCli(INIT, { cwd }).exited;
    expect(exit.code, exit.stderr).toBe(0);
    figures.runs++;
    const sc = afterKill(cwd);
    sc.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, 'an unkilled run');
    figures.cases++;
  });

  const rand = seeded(SEED);
  const points = Array.from({ length: 10 }, () => rand());
  it.each(points.map((f, i) => [i + 1, f]))('kill point %i (at %f of the run\'s calls): init again completes without duplicates; destroy leaves nothing', async (i, fraction) => {
    const point = killPoint(fraction, i);
    const { cwd } = await killedInit(point);
    const sc = afterKill(cwd);
    const locked = existsSync(`${sc.statePath}.lock`);
    const resumed = await sc.run(INIT);
    figures.runs++;
    expect(resumed.code, `resume after a kill at ${point}: ${resumed.stderr}`).toBe(0);
    // The dead process's lock is stale: taken over, with a warning.
    if (locked) expect(resumed.stderr).toMatch(/took over a stale lock left by PID \d+/);
    sc.expectExact();
    expect(sc.state()?.complete).toBe(true);
    figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, `a kill at ${point}`);
    figures.runs++;
    figures.cases++;
  });

  const rand2 = seeded(SEED + 1);
  const points2 = Array.from({ length: 4 }, () => rand2());
  it.each(points2.map((f, i) => [i + 1, f]))('kill point %i (at %f of the run\'s calls), then destroy straight away: nothing left', async (i, fraction) => {
    const point = killPoint(fraction, i);
    const { cwd } = await killedInit(point);
    const sc = afterKill(cwd);
    if (!existsSync(sc.statePath)) {
      // Killed before the state file was first written: no call had been made that creates anything.
      expect(sc.fake.resources()).toEqual([]);
    } else {
      figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, `destroy after a kill at ${point}`);
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
