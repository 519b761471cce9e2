/** A limit on concurrent work of one kind, so costly requests (explanations) cannot crowd out the cheap path. */
import { ServiceError, type ErrorCode } from '../../../src/core/api/errors';

/** At most `concurrency` tasks at once, at most `maxWaiting` queued; beyond that, 429. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly what: string,
    /** The 429's code, so clients can tell which limit refused them. */
    private readonly code: ErrorCode,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new ServiceError(
          this.code,
          `too many ${this.what} requests in progress (${this.active} running, ${this.waiting.length} waiting); retry shortly`,
          1,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
