import { answerKind, describeReply, neverPropagates, provesLive, type AnswerKind, type Reply } from './http-probe.js';

/** The same answer this many times in a row, once waiting cannot change it, ends the wait. @default 3 */
export const SAME_ANSWER_REPEATS = 3;

/** Answers that a live stage keeps giving whatever the wait: a broken integration, a path not deployed, a refused token. */
const SETTLES_WHEN_LIVE: ReadonlySet<AnswerKind> = new Set(['integration-failed', 'missing-auth-token', 'forbidden', 'not-found', 'unauthorized', 'refused', 'dns']);

export interface WaitDecision {
  /** Call again, for this reason. */
  wait?: string;
  /** Stop waiting: the answer is final, for this reason. */
  settled?: string;
  /** The answer was found final by this call (not known final from an earlier one). */
  fresh?: boolean;
}

/**
 * When to stop waiting for a deployment. A stage is live once any call got an answer only a serving stage gives
 * (`provesLive`), or when its deployment is old enough that propagation is over. From then on, the same answer
 * SAME_ANSWER_REPEATS times in a row is final; a refused connection or a name that does not resolve is final
 * even before (no propagation changes them). An answer found final once is final for the rest of the run.
 */
export class WaitRule {
  private live: boolean;
  private readonly repeats: number;
  private readonly final = new Map<string, string>();
  /** Answer → how many calls got it before the wait stopped on it. */
  private readonly attempts = new Map<string, number>();

  constructor(o: { liveFromStart?: boolean | undefined; repeats?: number | undefined } = {}) {
    this.live = o.liveFromStart ?? false;
    this.repeats = o.repeats ?? SAME_ANSWER_REPEATS;
  }

  get isLive(): boolean {
    return this.live;
  }

  /** Note an answer from any call (waited on or not). */
  observe(r: Reply): void {
    if (provesLive(answerKind(r))) this.live = true;
  }

  /** A streak tracker for one call that may be repeated. */
  streak(): (r: Reply, reason: string | undefined) => WaitDecision {
    let last = '';
    let count = 0;
    return (r, reason) => {
      this.observe(r);
      if (reason === undefined) return {};
      const answer = describeReply(r);
      count = answer === last ? count + 1 : 1;
      last = answer;
      const known = this.final.get(answer);
      if (known) return { settled: known };
      const kind = answerKind(r);
      const canSettle = SETTLES_WHEN_LIVE.has(kind) && (this.live || neverPropagates(kind));
      if (canSettle && count >= this.repeats) {
        const why = neverPropagates(kind)
          ? `${answer} ${count} times: no deployment changes that, so not waiting for it`
          : `${answer} ${count} times from a live stage: not waiting for it`;
        this.final.set(answer, why);
        this.attempts.set(answer, count);
        return { settled: why, fresh: true };
      }
      return { wait: reason };
    };
  }

  /** The answers the wait stopped on, with how many calls got each. */
  settledAnswers(): Array<{ answer: string; attempts: number }> {
    return [...this.attempts].map(([answer, attempts]) => ({ answer, attempts }));
  }
}
