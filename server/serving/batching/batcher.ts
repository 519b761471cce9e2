/**
 * Dynamic batching: requests that arrive close together are merged into one
 * model run of at most `maxBatchSize` rows, waiting at most `maxQueueDelayMs`
 * for company. The queue is bounded (`maxQueueRows`); a request that would
 * overflow it is refused at once, and one still queued at its deadline is
 * dropped. Outputs are split back by position, so no request ever receives
 * another's rows.
 */
import { ServiceError } from '../../../src/core/api/errors';
import type { BatchingSettings } from '../settings';

export type BatchRun = (input: Float32Array, rows: number) => Promise<Float32Array>;

export interface BatchObserver {
  /** One model run: its rows, how long each merged request waited, and the run's own time. */
  onBatch(rows: number, queueWaitsMs: readonly number[], computeMs: number): void;
}

interface Pending {
  readonly input: Float32Array;
  readonly rows: number;
  readonly enqueuedAt: number;
  readonly resolve: (output: Float32Array) => void;
  readonly reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: BatchRun,
    private readonly rowSize: number,
    private readonly settings: BatchingSettings,
    private readonly observer?: BatchObserver,
  ) {}

  get depth(): number {
    return this.queuedRows;
  }

  /** Queues `rows` rows (flat in `input`); resolves with their output rows, flat. */
  submit(input: Float32Array, rows: number, timeoutMs: number): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new ServiceError('SHUTTING_DOWN', 'the model is shutting down'));
    if (input.length !== rows * this.rowSize) {
      return Promise.reject(new Error(`batcher: ${input.length} values for ${rows} rows of ${this.rowSize}`));
    }
    if (this.queuedRows + rows > this.settings.maxQueueRows) {
      return Promise.reject(
        new ServiceError('QUEUE_FULL', `the model's queue is full (${this.queuedRows} of ${this.settings.maxQueueRows} rows waiting); retry shortly`, 1),
      );
    }
    return new Promise<Float32Array>((resolve, reject) => {
      const pending: Pending = { input, rows, enqueuedAt: performance.now(), resolve, reject, timer: undefined };
      pending.timer = setTimeout(() => this.expire(pending, timeoutMs), timeoutMs);
      this.queue.push(pending);
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Stops taking requests and resolves once everything queued has run. */
  async drain(): Promise<void> {
    this.closed = true;
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private expire(pending: Pending, timeoutMs: number): void {
    const index = this.queue.indexOf(pending);
    if (index < 0) return; // already running: it will answer
    this.queue.splice(index, 1);
    this.queuedRows -= pending.rows;
    pending.reject(new ServiceError('DEADLINE_EXCEEDED', `no model capacity within the request deadline of ${timeoutMs} ms`));
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) {
      if (!this.running && this.queue.length === 0) this.notifyIdle();
      return;
    }
    const { enabled, maxBatchSize, maxQueueDelayMs } = this.settings;
    const oldest = this.queue[0] as Pending;
    const waited = performance.now() - oldest.enqueuedAt;
    if (!enabled || this.closed || this.queuedRows >= maxBatchSize || waited >= maxQueueDelayMs) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      void this.flush();
    } else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.schedule();
      }, maxQueueDelayMs - waited);
    }
  }

  private take(): Pending[] {
    const { enabled, maxBatchSize } = this.settings;
    const batch: Pending[] = [this.queue.shift() as Pending];
    let rows = batch[0]?.rows ?? 0;
    while (enabled && this.queue.length > 0 && rows + (this.queue[0]?.rows ?? 0) <= maxBatchSize) {
      const next = this.queue.shift() as Pending;
      rows += next.rows;
      batch.push(next);
    }
    this.queuedRows -= rows;
    for (const p of batch) clearTimeout(p.timer);
    return batch;
  }

  private async flush(): Promise<void> {
    this.running = true;
    const batch = this.take();
    const rows = batch.reduce((sum, p) => sum + p.rows, 0);
    const input = new Float32Array(rows * this.rowSize);
    let offset = 0;
    for (const p of batch) {
      input.set(p.input, offset);
      offset += p.input.length;
    }
    const started = performance.now();
    try {
      const output = await this.run(input, rows);
      const computeMs = performance.now() - started;
      const width = output.length / rows;
      let row = 0;
      for (const p of batch) {
        p.resolve(output.slice(row * width, (row + p.rows) * width));
        row += p.rows;
      }
      this.observer?.onBatch(
        rows,
        batch.map((p) => started - p.enqueuedAt),
        computeMs,
      );
    } catch (error) {
      for (const p of batch) p.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
