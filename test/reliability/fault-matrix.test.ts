/**
 * Fault matrix (b): for every mutating call of init (and of destroy), the process dies right after that call took
 * effect in AWS and before the answer could be journaled. Re-running init adopts what was made (no duplicate), and
 * destroy — after the resume, or straight from the killed state — leaves nothing. Case (a), a permanent failure at
 * each call, is test/stack.test.ts's "a failure at each call in turn".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { killAfter, type CallRef } from './support/faults.js';
import { DESTROY, INIT, destroyAndExpectNothingLeft, learnCalls, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('fault-matrix');
let s: Scenario | undefined;
afterEach(() => s?.restore());


const label = (c: CallRef) => `${c.command} #${c.nth}`;

/** Kill init right after `at`; the state holds the node as `creating` (ids unknown), AWS holds what the call made. */
async function killInitAfter(at: CallRef): Promise<Scenario> {
  s = scenario();
  const revive = killAfter(s.fake, at);
  const killed = await s.run(INIT);
  figures.runs++;
  revive();
  expect(killed.code, `${label(at)}: ${killed.stderr}`).toBe(1);
  expect(Object.values(s.state()?.nodes ?? {}).some((n) => n.status === 'creating'), `${label(at)}: a node journaled creating`).toBe(true);
  figures.faults++;
  return s;
}

describe('killed right after a call of init took effect', () => {
  it('re-running init adopts it without a duplicate; destroy then leaves nothing', async () => {
    const calls = await learnCalls([INIT]);
    expect(calls.length).toBeGreaterThan(25);
    for (const at of calls) {
      const sc = await killInitAfter(at);
      const resumed = await sc.run(INIT);
      figures.runs++;
      expect(resumed.code, `resume after ${label(at)}: ${resumed.stderr}`).toBe(0);
      sc.expectExact();
      expect(sc.state()?.complete).toBe(true);
      figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, label(at));
      figures.runs++;
      figures.cases++;
      sc.restore();
    }
  });

  it('destroy straight away finds what was being created (by name and tag) and leaves nothing', async () => {
    const calls = await learnCalls([INIT]);
    for (const at of calls) {
      const sc = await killInitAfter(at);
      figures.resourcesLeft += await destroyAndExpectNothingLeft(sc, `kill after ${label(at)}`);
      figures.runs++;
      figures.cases++;
      sc.restore();
    }
  });
});

describe('killed right after a call of destroy took effect', () => {
  it('destroy again leaves nothing', async () => {
    const calls = await learnCalls([INIT, DESTROY]);
    expect(calls.length).toBeGreaterThanOrEqual(6);
    for (const at of calls) {
      s = scenario();
      expect((await s.run(INIT)).code).toBe(0);
      const revive = killAfter(s.fake, at);
      const killed = await s.run(DESTROY);
      revive();
      figures.runs += 2;
      expect(killed.code, `${label(at)}: ${killed.stderr}`).toBe(1);
      figures.faults++;
      figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `destroy killed after ${label(at)}`);
      figures.runs++;
      figures.cases++;
      s.restore();
    }
  });
});
