/**
 * Writes the latest value of each id to the store in the background, for
 * what other replicas read (a batch job's status, a retraining run): the
 * caller never waits on the store, a value superseded before it was written
 * is never written, and a write that fails is tried again (the latest value
 * then) until it succeeds or the writer closes. Writes run one at a time, so
 * an older value never lands after a newer one.
 */

/** The first wait after a failed write, doubled up to the last. */
const RETRY_MS = [250, 500, 1000, 2000, 5000];

export class LatestWrites<T> {
  private readonly pending = new Map<string, T>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private draining: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly write: (value: T) => Promise<unknown>,
    /** The first failed write after a success (not each retry), before it is tried again. */
    private readonly onError: (error: unknown, id: string) => void,
  ) {}

  /** Queues `value` as the latest of `id`; resolves once it (or a later value of `id`) is written. */
  put(id: string, value: T): Promise<void> {
    this.pending.set(id, value);
    const written = new Promise<void>((resolve) => this.waiting.set(id, [...(this.waiting.get(id) ?? []), resolve]));
    this.draining ??= this.drain();
    return written;
  }

  /** Values not written yet. */
  get backlog(): number {
    return this.pending.size;
  }

  /** Tries to write what is pending for at most `graceMs` more, then stops. */
  async close(graceMs: number): Promise<void> {
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.draining, deadline]);
    this.closed = true;
    this.wake?.();
    await this.draining;
  }

  private async drain(): Promise<void> {
    let failures = 0;
    try {
      while (this.pending.size > 0 && !this.closed) {
        const [id, value] = this.pending.entries().next().value as [string, T];
        this.pending.delete(id);
        const resolvers = this.waiting.get(id) ?? [];
        this.waiting.delete(id);
        try {
          await this.write(value);
          failures = 0;
          // Written: those waiting for this value, or an older one, are served; a newer value waits its turn.
          for (const resolve of resolvers) resolve();
        } catch (error) {
          if (failures === 0) this.onError(error, id);
          // Put back unless a newer value came meanwhile; its waiters wait for whichever lands.
          if (!this.pending.has(id)) this.pending.set(id, value);
          this.waiting.set(id, [...resolvers, ...(this.waiting.get(id) ?? [])]);
          const wait = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] as number;
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, wait).unref();
          });
        }
      }
    } finally {
      // In the same turn as the last look for pending values: a value put after it starts the next drain.
      this.draining = undefined;
    }
  }
}
