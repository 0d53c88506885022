import { isThrottling, isTransient, retryAfterMs } from './errors.js';

export interface RetryOptions {
  /** Give up after this long, counted from the first attempt. @default 90_000 */
  maxElapsedMs?: number;
  /** First delay. @default 250 */
  baseMs?: number;
  /** Largest delay between attempts (Retry-After may ask for more). @default 2_000 */
  capMs?: number;
  /** Which errors are worth another attempt. @default isTransient */
  retryable?: (err: unknown) => boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Seeded or real randomness for jitter. @default Math.random */
  random?: () => number;
  /** A shorter bound for some errors (network failures: seconds, not minutes), counted from the first attempt. */
  budgetFor?: (err: unknown) => number | undefined;
  /** Called before each wait, for progress notes. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Run `fn`, retrying with capped exponential backoff and jitter, honouring Retry-After, bounded in time. */
export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const start = o.now();
  const maxElapsed = o.maxElapsedMs ?? 90_000;
  const base = o.baseMs ?? 250;
  const cap = o.capMs ?? 2_000;
  const retryable = o.retryable ?? isTransient;
  const random = o.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!retryable(err)) throw err;
      const backoff = Math.min(cap, base * 2 ** (attempt - 1));
      // "Equal jitter": at least half the backoff, so throttled callers still spread out.
      let delay = backoff / 2 + random() * (backoff / 2);
      const asked = isThrottling(err) ? retryAfterMs(err) : undefined;
      if (asked !== undefined) delay = Math.max(delay, asked);
      if (o.now() - start + delay > Math.min(maxElapsed, o.budgetFor?.(err) ?? maxElapsed)) throw err;
      o.onRetry?.(err, attempt, delay);
      await o.sleep(delay);
    }
  }
}
