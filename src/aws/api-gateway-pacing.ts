/**
 * API Gateway's two control-plane rules, honoured before a call is sent: one write in flight per REST API (AWS
 * refuses an overlapping one with "concurrent modification"), and the account's 10 calls a second, burst 40
 * ("Amazon API Gateway quotas", docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
 */

/** Only reads may overlap on one REST API. */
export function isApiGatewayWrite(command: string): boolean {
  return !/^(Get|Test)/.test(command.replace(/Command$/, ''));
}

/** The REST API a write changes (by `restApiId`, or the ARN TagResource names), if any. */
export function restApiOfWrite(command: string, input: unknown): string | undefined {
  if (!isApiGatewayWrite(command) || typeof input !== 'object' || input === null) return undefined;
  const id = (input as { restApiId?: unknown }).restApiId;
  if (typeof id === 'string' && id !== '') return id;
  const arn = (input as { resourceArn?: unknown }).resourceArn;
  const m = typeof arn === 'string' ? /:\/restapis\/([^/]+)/.exec(arn) : null;
  return m?.[1];
}

/** A mutex per key, first come first served: at most one task per key runs at a time. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
    if (key === undefined) return task();
    const before = this.tails.get(key) ?? Promise.resolve();
    let release = (): void => {};
    const mine = new Promise<void>((resolve) => { release = resolve; });
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** A token bucket on the caller's clock: `take()` resolves once a token is free, sleeping as long as needed. */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;
  /** Tokens promised to callers still sleeping, so two of them never wait for the same one. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
  ) {
    this.tokens = burst;
  }

  private refill(): void {
    const t = this.clock.now();
    if (this.last !== undefined) this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}
