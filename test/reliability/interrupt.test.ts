/**
 * Ctrl-C (SIGINT / SIGTERM abort the run's signal) at every mutating call of init and of destroy, in-process: no new
 * call starts, the ones in flight finish, the state is saved and exact, the message says how to resume or destroy,
 * exit 130. Then the same init resumes without duplicates and destroy leaves nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { suiteFigures } from './support/figures.js';
import { interruptAt, mutatingCalls, onCall, type CallRef } from './support/faults.js';
import { DESTROY, INIT, STACK, destroyAndExpectNothingLeft, learnCalls, scenario, type Scenario } from './support/scenario.js';

const figures = suiteFigures('interrupt');
let s: Scenario | undefined;
afterEach(() => s?.restore());

const label = (c: CallRef) => `${c.command} #${c.nth}`;


/** Calls the fake saw after `from` that change something. */
const mutatingSince = (sc: Scenario, from: number) => mutatingCalls(sc.fake.calls.slice(from)).length;

describe('Ctrl-C during init', () => {
  it('at every call: exit 130, state exact, resume hint; the re-run completes; destroy leaves nothing', async () => {
    const calls = await learnCalls([INIT]);
    for (const at of calls) {
      s = scenario();
      const controller = new AbortController();
      const undo = interruptAt(s.fake, at, controller);
      const r = await s.run(INIT, { signal: controller.signal });
      undo();
      figures.runs++;
      if (r.code === 0) {
        // Interrupted during the last call: everything was already under way, and it finished.
        expect(s.state()?.complete, label(at)).toBe(true);
      } else {
        expect(r.code, `${label(at)}: ${r.stderr}`).toBe(130);
      }
      if (r.code === 130) expect(r.stderr).toMatch(/Interrupted: no new resources were started\.[^\n]*\nThe state is saved\./);
      if (r.code === 130) {
        expect(r.stderr).toContain('(with the flags or --config it had) to resume');
        expect(r.stderr).toContain(`secure-api destroy --stack ${STACK}`);
      }
      // In-flight calls finished and were journaled: the state names exactly what exists.
      s.expectExact();
      figures.faults++;
      const resumed = await s.run(INIT);
      figures.runs++;
      expect(resumed.code, `resume after ${label(at)}: ${resumed.stderr}`).toBe(0);
      s.expectExact();
      figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `Ctrl-C at ${label(at)}`);
      figures.runs++;
      figures.cases++;
      s.restore();
    }
  });

  it('stops starting calls at once: after the signal only the calls of nodes already in flight are made', async () => {
    s = scenario();
    const controller = new AbortController();
    let at = -1;
    const undo = onCall(s.fake, { command: 'CreateRestApi', nth: 1 }, () => {
      at = s!.fake.calls.length;
      controller.abort();
    });
    const r = await s.run(INIT, { signal: controller.signal });
    undo();
    expect(r.code).toBe(130);
    // The role, the API and the pool start together; their own follow-up calls may run, nothing else starts.
    const after = s.fake.calls.slice(at + 1).map((c) => c.command);
    expect(after.filter((c) => /^(CreateResource|PutMethod|CreateAuthorizer|CreateFunction|CreateDeployment|CreateUserPoolClient|CreateUserPoolDomain)$/.test(c))).toEqual([]);
    figures.cases++;
    figures.faults++;
  });

  it('during a retry wait: the wait is cut short, exit 130 with the resume hint (not an AWS failure)', async () => {
    s = scenario();
    const controller = new AbortController();
    s.fake.inject({ command: 'CreateRestApi', error: 'TooManyRequestsException', times: Number.POSITIVE_INFINITY });
    const undo = onCall(s.fake, { command: 'CreateRestApi', nth: 2 }, () => controller.abort());
    const r = await s.run(INIT, { signal: controller.signal });
    undo();
    s.fake.clearInjections();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('(with the flags or --config it had) to resume');
    // The throttled call is not tried again after the signal.
    expect(s.fake.count('CreateRestApi')).toBe(2);
    expect((await s.run(INIT)).code).toBe(0);
    s.expectExact();
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'Ctrl-C in a retry wait');
    figures.runs += 3;
    figures.cases++;
    figures.faults++;
  });

  it('before the first call: nothing is created, exit 130', async () => {
    s = scenario();
    const controller = new AbortController();
    controller.abort();
    const r = await s.run(INIT, { signal: controller.signal });
    expect(r.code).toBe(130);
    expect(s.fake.resources()).toEqual([]);
    expect(mutatingSince(s, 0)).toBe(0);
    figures.runs++;
    figures.cases++;
    figures.faults++;
  });
});

describe('Ctrl-C during destroy', () => {
  it('at every call: exit 130 with the hint to run destroy again, which then leaves nothing', async () => {
    const calls = await learnCalls([INIT, DESTROY]);
    for (const at of calls) {
      s = scenario();
      expect((await s.run(INIT)).code).toBe(0);
      const controller = new AbortController();
      const undo = interruptAt(s.fake, at, controller);
      const r = await s.run(DESTROY, { signal: controller.signal });
      undo();
      figures.runs += 2;
      // Interrupted on the last call in flight, destroy may simply have finished.
      if (r.code === 0) {
        expect(s.fake.resources()).toEqual([]);
      } else {
        expect(r.code, `${label(at)}: ${r.stderr}`).toBe(130);
        expect(r.stderr).toContain(`Run \`secure-api destroy --stack ${STACK}\` again to finish`);
        s.expectExact();
        figures.resourcesLeft += await destroyAndExpectNothingLeft(s, `Ctrl-C in destroy at ${label(at)}`);
        figures.runs++;
      }
      figures.faults++;
      figures.cases++;
      s.restore();
    }
  });

  it('during the DeleteRestApi pacing wait: exit 130, not an AWS failure', async () => {
    s = scenario();
    expect((await s.run(INIT)).code).toBe(0);
    s.fake.inject({ command: 'DeleteRestApi', error: 'TooManyRequestsException', retryAfterSeconds: 30, times: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    const undo = onCall(s.fake, { command: 'DeleteRestApi', nth: 2 }, () => controller.abort());
    const r = await s.run(DESTROY, { signal: controller.signal });
    undo();
    s.fake.clearInjections();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('again to finish');
    figures.resourcesLeft += await destroyAndExpectNothingLeft(s, 'Ctrl-C in the DeleteRestApi wait');
    figures.runs += 3;
    figures.cases++;
    figures.faults++;
  });
});
