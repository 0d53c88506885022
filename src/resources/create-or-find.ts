import { retriesExhausted, type ServiceName } from '../aws/clients.js';
import { isThrottling, isTransient } from '../aws/errors.js';
import { withRetry } from '../aws/retry.js';
import type { Ctx } from './types.js';

/**
 * A create that timed out or got a 5xx may still have happened on AWS's side (the request reached it, the answer was
 * lost): sending it again would make a second one and leave the first untracked. A throttle is not ambiguous (AWS
 * refused before acting).
 */
export function isAmbiguousFailure(err: unknown): boolean {
  return isTransient(err) && !isThrottling(err);
}

/** How long a non-idempotent create keeps trying (and looking) after ambiguous failures. */
const CREATE_ONCE_MS = 90_000;

/**
 * Create; after an ambiguous failure, look (by tag or deterministic name) for what it may have made before creating
 * again: found, that is the answer; not found, the create is sent again, with backoff, bounded in time. Its command
 * must be in CREATE_ONCE_COMMANDS (src/aws/clients.ts) so the sender does not resend it blindly.
 */
export async function createOrFind<T>(
  ctx: Ctx, call: { what: string; service: ServiceName; command: string }, create: () => Promise<T>, find: () => Promise<T | undefined>,
): Promise<T> {
  const what = call.what;
  let failedBefore = false;
  let noted = false;
  let attempts = 0;
  const started = ctx.now();
  return withRetry(async () => {
    attempts += 1;
    if (failedBefore) {
      const found = await find();
      if (found !== undefined) return found;
    }
    try {
      return await create();
    } catch (err) {
      if (isAmbiguousFailure(err)) {
        failedBefore = true;
        if (!noted) ctx.note(`creating ${what} failed on AWS's side; checking whether it was made before trying again`);
        noted = true;
      }
      throw err;
    }
  }, {
    sleep: ctx.sleep,
    now: ctx.now,
    maxElapsedMs: CREATE_ONCE_MS,
    // A lookup that failed transiently is tried again too; the create is resent only once the lookup said "none".
    retryable: (err) => (ctx.clients.isRetrying?.() ?? true) && (isAmbiguousFailure(err) || (failedBefore && isTransient(err))),
  }).catch((err: unknown) => {
    // Out of time: say which call kept failing, as the client's own retries do.
    throw attempts > 1 && isTransient(err) ? retriesExhausted(call.service, call.command, err, attempts, ctx.now() - started) : err;
  });
}
