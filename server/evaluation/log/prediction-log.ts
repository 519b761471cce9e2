/**
 * The prediction log's writer. Serving hands over answered requests and goes
 * on: nothing here is awaited on the request path. Requests are buffered,
 * expanded into rows (probabilities, quantized inputs, input features) and
 * written in batches; a full buffer or a failing store drops records and
 * counts them, never slowing or failing a prediction.
 */
import type { Database } from '../../db/database';
import { insertPredictions, type LayoutOf } from '../ingest/predictions';
import { keySampled } from '../../../src/core/hash/key-sampling';
import { expandBatch } from './expand';
import type { AnsweredRequest, LogBatch } from './records';

/** Where batches of logged rows are written: the store thread, or a store in this thread. */
export interface LogSink {
  write(batches: readonly LogBatch[]): Promise<{ inserted: number; duplicates: number }>;
}

/** Expands and writes in this thread (the store thread uses it; so do tests). */
export function localSink(db: Database, layoutOf: LayoutOf, logInputs: boolean): LogSink {
  return {
    write: (batches) =>
      insertPredictions(
        db,
        batches.flatMap((b) => expandBatch(b, layoutOf(b.model, b.version), logInputs)),
        layoutOf,
      ),
  };
}

export interface PredictionLogSettings {
  /** Share of keys logged (by a hash of the key). */
  readonly sampleRate: number;
  /** Keep each instance's input (quantized to a byte per value). */
  readonly logInputs: boolean;
  /** Rows waiting to be written at most; beyond, records are dropped and counted. */
  readonly bufferRows: number;
  /** Rows per write at most. */
  readonly batchRows: number;
  /** A write starts at least this often while rows wait. */
  readonly flushIntervalMs: number;
}

export type DropReason = 'buffer_full' | 'store_error';

export interface PredictionLogEvents {
  written(rows: number, duplicates: number): void;
  dropped(reason: DropReason, rows: number): void;
  storeFailed(error: unknown): void;
}

export class PredictionLog {
  private waiting: LogBatch[] = [];
  private waitingRows = 0;
  private writing: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Rows written (new or already there) and dropped since the start. */
  writtenRows = 0;
  droppedRows = 0;

  constructor(
    private readonly sink: LogSink,
    readonly settings: PredictionLogSettings,
    private readonly events: PredictionLogEvents,
  ) {}

  /** Rows waiting to be written. */
  get buffered(): number {
    return this.waitingRows;
  }

  /** Takes an answered request; returns at once, having copied the sampled rows it needs. */
  record(answer: AnsweredRequest): void {
    if (this.closed) return;
    const rows: number[] = [];
    answer.keys.forEach((key, i) => {
      if (keySampled(key, this.settings.sampleRate)) rows.push(i);
    });
    if (rows.length === 0) return;
    if (this.waitingRows + rows.length > this.settings.bufferRows) {
      this.droppedRows += rows.length;
      this.events.dropped('buffer_full', rows.length);
      return;
    }
    this.waiting.push(flatten(answer, rows));
    this.waitingRows += rows.length;
    if (this.waitingRows >= this.settings.batchRows) this.startWrite();
    else this.timer ??= setTimeout(() => this.startWrite(), this.settings.flushIntervalMs);
  }

  /** Writes everything recorded so far; resolves once it is committed (or dropped and counted). */
  async flush(): Promise<void> {
    while (this.writing || this.waitingRows > 0) {
      if (!this.writing) this.startWrite();
      await this.writing;
    }
  }

  /** Writes what is waiting, then takes no more. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
  }

  private startWrite(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.waitingRows === 0) return;
    this.writing = this.writeSome().finally(() => {
      this.writing = undefined;
      if (this.waitingRows >= this.settings.batchRows) this.startWrite();
      else if (this.waitingRows > 0) this.timer ??= setTimeout(() => this.startWrite(), this.settings.flushIntervalMs);
    });
  }

  private async writeSome(): Promise<void> {
    const batch: LogBatch[] = [];
    let taken = 0;
    while (this.waiting.length > 0 && (taken === 0 || taken + (this.waiting[0] as LogBatch).keys.length <= this.settings.batchRows)) {
      const next = this.waiting.shift() as LogBatch;
      batch.push(next);
      taken += next.keys.length;
    }
    this.waitingRows -= taken;
    try {
      const { inserted, duplicates } = await this.sink.write(batch);
      this.writtenRows += taken;
      this.events.written(inserted, duplicates);
    } catch (error) {
      this.droppedRows += taken;
      this.events.dropped('store_error', taken);
      this.events.storeFailed(error);
    }
  }
}

/** The sampled rows of an answer as flat arrays (copies: the request's buffers may be reused). */
function flatten(answer: AnsweredRequest, rows: readonly number[]): LogBatch {
  const first = answer.scores(rows[0] as number);
  const scores = new Float32Array(rows.length * first.length);
  rows.forEach((row, i) => scores.set(answer.scores(row), i * first.length));
  let inputs: Float32Array | undefined;
  if (answer.input) {
    const width = answer.input(rows[0] as number).length;
    inputs = new Float32Array(rows.length * width);
    rows.forEach((row, i) => inputs?.set((answer.input as (row: number) => ArrayLike<number>)(row), i * width));
  }
  return {
    model: answer.model,
    version: answer.version,
    source: answer.source,
    signature: answer.signature,
    time: answer.time,
    requestId: answer.requestId,
    latencyMs: answer.latencyMs,
    keys: rows.map((row) => answer.keys[row] as string),
    scores,
    scoresAreLogits: answer.scoresAreLogits,
    inputs,
  };
}
