/**
 * The prediction log's writer. Serving hands over answered requests and goes
 * on: nothing here is awaited on the request path. Requests are buffered,
 * expanded into rows (probabilities, quantized inputs, input features) and
 * written in batches; a full buffer or a failing store drops records and
 * counts them, never slowing or failing a prediction.
 */
import { argmax, softmax } from '../../../src/core/math/probabilities';
import type { Database } from '../../db/database';
import { featuresOf } from '../layout';
import { insertPredictions, type LayoutOf } from '../ingest/predictions';
import { keySampled } from '../sampling';
import { quantizeInput, type AnsweredRequest, type PredictionRow } from './records';

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

interface Waiting {
  readonly answer: AnsweredRequest;
  /** The rows of the answer that are sampled. */
  readonly rows: readonly number[];
}

export class PredictionLog {
  private waiting: Waiting[] = [];
  private waitingRows = 0;
  private writing: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Rows written (new or already there) and dropped since the start. */
  writtenRows = 0;
  droppedRows = 0;

  constructor(
    private readonly db: Database,
    private readonly layoutOf: LayoutOf,
    readonly settings: PredictionLogSettings,
    private readonly events: PredictionLogEvents,
  ) {}

  /** Rows waiting to be written. */
  get buffered(): number {
    return this.waitingRows;
  }

  /** Takes an answered request; returns at once. */
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
    this.waiting.push({ answer, rows });
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
    const batch: Waiting[] = [];
    let taken = 0;
    while (this.waiting.length > 0 && (taken === 0 || taken + (this.waiting[0] as Waiting).rows.length <= this.settings.batchRows)) {
      const next = this.waiting.shift() as Waiting;
      batch.push(next);
      taken += next.rows.length;
    }
    this.waitingRows -= taken;
    const rows = batch.flatMap((w) => this.expand(w));
    try {
      const { inserted, duplicates } = await insertPredictions(this.db, rows, this.layoutOf);
      this.writtenRows += rows.length;
      this.events.written(inserted, duplicates);
    } catch (error) {
      this.droppedRows += rows.length;
      this.events.dropped('store_error', rows.length);
      this.events.storeFailed(error);
    }
  }

  private expand({ answer, rows }: Waiting): PredictionRow[] {
    const layout = this.layoutOf(answer.model, answer.version);
    return rows.map((i) => {
      const scores = answer.scores(i);
      const probabilities = answer.scoresAreLogits ? softmax(scores) : scores;
      const input = answer.input?.(i);
      return {
        key: answer.keys[i] as string,
        model: answer.model,
        version: answer.version,
        source: answer.source,
        signature: answer.signature,
        time: answer.time,
        labelIndex: argmax(probabilities),
        probabilities,
        input: input && this.settings.logInputs ? quantizeInput(input) : undefined,
        features: input && layout ? featuresOf(layout, input) : undefined,
        requestId: answer.requestId,
        latencyMs: answer.latencyMs,
        gateFired: undefined,
        answeredBy: undefined,
      };
    });
  }
}
