/** A counting semaphore: at most `max` tasks run at once, the rest queue in order. */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  /** Highest number in flight at once, for the benchmark and tests. */
  peak = 0;
  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
