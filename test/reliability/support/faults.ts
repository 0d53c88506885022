/** Fault helpers for the reliability tests: a simulated kill, a Ctrl-C at a chosen call, the mutating call sequence. */
import type { AwsFake, FakeCall } from '../../fakes/aws-fake.js';

/** Calls that change something in AWS (what a crash between call and journal can leave behind). */
export const MUTATING = /^(Create|Put|Add|Attach|Set|Update|Tag|Delete|Remove|Detach|Admin)/;

/** One call of a run, by command and occurrence (1-based), e.g. the 3rd PutMethod. */
export interface CallRef { command: string; nth: number }

/** The mutating calls of a recorded run, each with its occurrence number. */
export function mutatingCalls(calls: readonly FakeCall[], filter: RegExp = MUTATING): CallRef[] {
  const counts = new Map<string, number>();
  return calls.filter((c) => filter.test(c.command)).map((c) => {
    const nth = (counts.get(c.command) ?? 0) + 1;
    counts.set(c.command, nth);
    return { command: c.command, nth };
  });
}

/** Run `hook` once, when the fake receives the given call (before it acts on it). Returns an undo. */
export function onCall(fake: AwsFake, at: CallRef, hook: () => void): () => void {
  let seen = 0;
  const calls = fake.calls;
  const push = calls.push.bind(calls);
  calls.push = (...items: FakeCall[]): number => {
    for (const c of items) if (c.command === at.command && ++seen === at.nth) hook();
    return push(...items);
  };
  return () => { Reflect.deleteProperty(calls, 'push'); };
}

/** What a dead process looks like from the inside: the connection is gone (not an AWS error, never retried). */
export function connectionLost(): Error {
  const err = new Error('connection lost: the process running secure-api died here (simulated)');
  err.name = 'SimulatedKill';
  return err;
}

/**
 * The process dies right after `at` took effect in AWS: that call acts and its answer is lost, and from then on no
 * call reaches AWS (every later one, and every look-up the engine tries, fails before acting). What the state file
 * holds afterwards is what a kill at that moment leaves. Returns an undo that brings "AWS" back.
 */
export function killAfter(fake: AwsFake, at: CallRef): () => void {
  fake.inject({ command: at.command, nth: at.nth, error: connectionLost(), afterCall: true });
  const undo = onCall(fake, at, () => { fake.inject({ command: '*', error: connectionLost(), times: Number.POSITIVE_INFINITY }); });
  return () => {
    undo();
    fake.clearInjections();
  };
}

/** Ctrl-C while `at` is in flight: the call finishes, nothing new starts. */
export function interruptAt(fake: AwsFake, at: CallRef, controller: AbortController): () => void {
  return onCall(fake, at, () => controller.abort());
}
