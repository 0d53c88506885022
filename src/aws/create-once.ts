import { isRefusedUnacted, isTransient } from './errors.js';
import { withRetry } from './retry.js';

/**
 * A create that timed out or got a 5xx may still have happened on AWS's side (the request reached it; the answer
 * was lost). Sending it again would make a second one, and the first would be left untracked. Such an error is
 * "ambiguous"; a throttle or a concurrent-modification refusal is not (AWS refused before acting).
 */
export function isAmbiguousFailure(err: unknown): boolean {
  return isTransient(err) && !isRefusedUnacted(err);
}

export interface CreateOnceOptions<T> {
  /** The one create call (its command must be in CREATE_ONCE_COMMANDS, so the sender does not resend it blindly). */
  create: () => Promise<T>;
  /** Look for what a failed attempt may have made: by tag or deterministic name. Undefined: it did not happen. */
  find: () => Promise<T | undefined>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** False once the run is winding down (AwsClients.isRetrying): then the first failure is thrown. */
  retrying?: () => boolean;
  /** @default 90_000 */
  maxElapsedMs?: number;
  /** Called with each ambiguous failure before looking, for progress notes. */
  onAmbiguous?: (err: unknown) => void;
}

/**
 * Create, and after an ambiguous failure look before creating again: when the lookup finds it, that is the answer;
 * otherwise the create is sent again, with backoff, bounded in time. Nothing is ever made twice, nothing left behind.
 * Used for CreateRestApi, CreateAuthorizer, CreateDeployment and CreateResource; meant for any non-idempotent create
 * (CreateUserPool, CreateUserPoolClient: add the command to CREATE_ONCE_COMMANDS and wrap the call).
 */
export async function createOnce<T>(o: CreateOnceOptions<T>): Promise<T> {
  let failedBefore = false;
  return withRetry(async () => {
    if (failedBefore) {
      const found = await o.find();
      if (found !== undefined) return found;
    }
    try {
      return await o.create();
    } catch (err) {
      if (isAmbiguousFailure(err)) {
        failedBefore = true;
        o.onAmbiguous?.(err);
      }
      throw err;
    }
  }, {
    sleep: o.sleep,
    now: o.now,
    maxElapsedMs: o.maxElapsedMs ?? 90_000,
    // A lookup that failed transiently is simply tried again; the create is only resent once the lookup said "none".
    retryable: (err) => (o.retrying?.() ?? true) && (isAmbiguousFailure(err) || (failedBefore && isTransient(err))),
  });
}

/** What a resource handler's context offers createOnce (a subset of src/resources/types.ts's Ctx). */
export interface CreateOnceCtx {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  note: (message: string) => void;
  clients: { isRetrying?: () => boolean };
}

/** createOnce with a handler's context: its clock, the run's retry switch, and a progress note naming the thing. */
export function createOnceIn<T>(ctx: CreateOnceCtx, what: string, create: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
  return createOnce({
    create, find, sleep: ctx.sleep, now: ctx.now,
    ...(ctx.clients.isRetrying ? { retrying: ctx.clients.isRetrying } : {}),
    onAmbiguous: () => ctx.note(`creating ${what} failed on AWS's side; checking whether it was made before trying again`),
  });
}
