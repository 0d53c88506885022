import { toAwsFailure } from '../aws/errors.js';
import { alsoFailed, AwsFailure, Interrupted, SecureApiError } from '../errors.js';
import type { StateWriter } from '../state/backend.js';
import type { Ctx, Outputs } from '../resources/types.js';
import type { NodeRecord } from '../state/schema.js';

/** The hints name the stack and what this run needed to reach it (--state, --profile, --endpoint-url: ctx.reach). */
type Reach = Pick<Ctx, 'stack' | 'reach'>;
export const resumeHint = (ctx: Reach) =>
  `The state is saved. Re-run \`secure-api init --stack ${ctx.stack}${ctx.reach ?? ''}\` (with the flags or --config it had) to resume, or \`secure-api destroy --stack ${ctx.stack}${ctx.reach ?? ''}\` to remove what was made.`;
export const destroyAgainHint = (ctx: Reach) => `Run \`secure-api destroy --stack ${ctx.stack}${ctx.reach ?? ''}\` again to finish.`;

/**
 * After Ctrl-C every failure is the interruption (exit 130, with the hint), whatever the call in flight threw:
 * a retry sleep cut short throws a bare Interrupted, and a call that failed meanwhile is named in the message.
 */
export function interruption(err: unknown, what: string, hint: string): Interrupted {
  const also = err instanceof Interrupted ? '' : ` (a call in flight failed meanwhile: ${err instanceof Error ? err.message : String(err)})`;
  // The hint says the state is saved: the message does not say it again.
  return new Interrupted(`Interrupted: ${what}.${also}`, hint);
}

/**
 * After the first failure a run only winds down: the nodes in flight finish, but no call is retried and no wait
 * begins (each call still gets its attempt), so the error shows within one retry budget, however many calls were
 * queued behind the per-service limiter.
 */
export function windDown(ctx: Ctx, signal: AbortSignal | undefined): { ctx: Ctx; stop: () => void; schedulerSignal: AbortSignal } {
  let stopped = false;
  // The scheduler must stop starting nodes the moment a node fails, not once that node has looked up what it left.
  const failed = new AbortController();
  return {
    ctx: { ...ctx, sleep: (ms) => (stopped ? Promise.reject(new Interrupted('Stopped waiting: another resource of this run failed.')) : ctx.sleep(ms)) },
    stop: () => {
      stopped = true;
      ctx.clients.stopRetrying?.();
      failed.abort();
    },
    schedulerSignal: signal ? AbortSignal.any([signal, failed.signal]) : failed.signal,
  };
}

export function outputsOf(nodes: Record<string, NodeRecord>): Outputs {
  const o: Outputs = {};
  for (const [id, r] of Object.entries(nodes)) o[id] = r.out;
  return o;
}


/**
 * The error a node's failure is reported as: ours already typed and not AWS's (the state could not be written, a plan
 * that no longer fits) is kept as it is; anything else is AWS's, named with the call and how to resume.
 */
export function nodeFailure(err: unknown, what: string, hint: string): SecureApiError {
  if (err instanceof SecureApiError && !(err instanceof AwsFailure) && !(err instanceof Interrupted)) return err;
  return toAwsFailure(err, what, hint);
}

/** Save the state after a failure; a save that fails too is reported beside the first cause (issue 18.5), never instead. */
export async function saveAfterFailure(store: StateWriter, failure: SecureApiError): Promise<SecureApiError> {
  try {
    await store.save();
  } catch (err) {
    alsoFailed(failure, err);
  }
  return failure;
}
