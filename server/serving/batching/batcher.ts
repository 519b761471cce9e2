/**
 * Dynamic batching: requests that arrive close together are merged into one
 * model run of at most `maxBatchSize` rows, waiting at most `maxQueueDelayMs`
 * for company. The queue is bounded (`maxQueueRows`); a request that would
 * overflow it is refused at once, and one still queued at its deadline is
 * dropped. Outputs are split back by position, so no request ever receives
 * another's rows.
 *
 * Two lanes: `high` (cheap predictions) and `low` (bulk work such as the
 * occlusion rows of explanations). While high rows wait, a batch takes them
 * first and adds at most `lowPriorityCap(maxBatchSize)` low rows, so a cheap
 * request never waits behind a whole batch of bulk work, and the bulk work
 * still moves on. With no high rows waiting, low rows fill whole batches.
 */
import { ServiceError } from '../../../src/core/api/errors';
import type { BatchingSettings } from '../settings';

export type BatchRun = (input: Float32Array, rows: number) => Promise<Float32Array>;

export type Priority = 'high' | 'low';

/**
 * The most low-priority rows a batch takes while high-priority rows wait: a
 * quarter of the batch. Low-priority callers submit chunks of at most this
 * many rows, since a request's rows always run together.
 */
export function lowPriorityCap(maxBatchSize: number): number {
  return Math.max(1, Math.floor(maxBatchSize / 4));
}

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
  private readonly lanes: Readonly<Record<Priority, Pending[]>> = { high: [], low: [] };
  private queuedRows = 0;
  /** Whether the last batch left out low rows that were waiting (a large high request filled it). */
  private lowPassedOver = false;
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

  /** Queues `rows` rows (flat in `input`) in the lane of `priority`; resolves with their output rows, flat. */
  submit(input: Float32Array, rows: number, timeoutMs: number, priority: Priority = 'high'): Promise<Float32Array> {
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
      this.lanes[priority].push(pending);
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Stops taking requests and resolves once everything queued has run. */
  async drain(): Promise<void> {
    this.closed = true;
    if (!this.running && this.empty) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private get empty(): boolean {
    return this.lanes.high.length === 0 && this.lanes.low.length === 0;
  }

  private expire(pending: Pending, timeoutMs: number): void {
    const lane = this.lanes.high.includes(pending) ? this.lanes.high : this.lanes.low;
    const index = lane.indexOf(pending);
    if (index < 0) return; // already running: it will answer
    lane.splice(index, 1);
    this.queuedRows -= pending.rows;
    pending.reject(new ServiceError('DEADLINE_EXCEEDED', `no model capacity within the request deadline of ${timeoutMs} ms`));
  }

  private schedule(): void {
    if (this.running || this.empty) {
      if (!this.running && this.empty) this.notifyIdle();
      return;
    }
    const { enabled, maxBatchSize, maxQueueDelayMs } = this.settings;
    const { high, low } = this.lanes;
    const oldest = Math.min(high[0]?.enqueuedAt ?? Infinity, low[0]?.enqueuedAt ?? Infinity);
    const waited = performance.now() - oldest;
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

  /**
   * The next batch. With high rows waiting, it holds at most
   * `lowPriorityCap` low rows: the low requests at the head of their lane that
   * fit in that share, and high rows, in order, in the rest. If high rows
   * filled a batch while low rows waited, the next batch seats the low share
   * first, so a stream of cheap requests cannot starve the low lane. With no
   * high rows waiting, low rows fill the batch. The first request always
   * runs, even one larger than a batch.
   */
  private take(): Pending[] {
    const { enabled, maxBatchSize } = this.settings;
    const { high, low } = this.lanes;
    const batch: Pending[] = [];
    let rows = 0;
    const fill = (lane: Pending[], limit: number): number => {
      let taken = 0;
      while (lane.length > 0 && (batch.length === 0 || (enabled && rows + (lane[0] as Pending).rows <= limit))) {
        const next = lane.shift() as Pending;
        rows += next.rows;
        taken += next.rows;
        batch.push(next);
      }
      return taken;
    };
    if (high.length === 0) {
      fill(low, maxBatchSize);
    } else {
      const cap = lowPriorityCap(maxBatchSize);
      let reserve = 0;
      for (const p of low) {
        if (reserve + p.rows > cap) break;
        reserve += p.rows;
      }
      let lowTaken: number;
      if (this.lowPassedOver && reserve > 0) {
        lowTaken = fill(low, reserve);
        fill(high, maxBatchSize);
      } else {
        fill(high, maxBatchSize - reserve);
        lowTaken = fill(low, Math.min(maxBatchSize, rows + reserve));
      }
      this.lowPassedOver = reserve > 0 && lowTaken === 0;
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
