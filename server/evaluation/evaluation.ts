/**
 * Continued evaluation of the served models, usable without Fastify: the
 * store, the layouts of every model version, the prediction log, and what
 * the routes ask of them (edge records, labels, windows, confusion, cascade).
 */
import type { Database } from '../db/database';
import { ThreadStore } from '../db/thread/thread-store';
import { AuditLog } from './audit/audit-store';
import { insertLabels, type LabelRecord } from './ingest/labels';
import { insertPredictions } from './ingest/predictions';
import { ModelLayouts } from './layouts';
import { localSink, PredictionLog, type PredictionLogEvents } from './log/prediction-log';
import type { AnsweredRequest, PredictionRow } from './log/records';
import type { EvaluationSettings } from './settings';
import { confusion, windows, type Window, type WindowQuery } from './windows/windows';
import { cascade, type CascadeQuery, type CascadeView } from './windows/cascade';

export class Evaluation {
  /** What happened to each model (alerts, retraining, promotions, deployments): routes and jobs record here. */
  readonly audit: AuditLog;

  private constructor(
    readonly db: Database,
    readonly layouts: ModelLayouts,
    readonly log: PredictionLog,
    readonly settings: EvaluationSettings,
  ) {
    this.audit = new AuditLog(db);
  }

  /**
   * Opens the store in its own thread (so its work stays off the event loop),
   * or uses `db` in this thread when given.
   */
  static async open(settings: EvaluationSettings, repository: string, events: PredictionLogEvents, db?: Database): Promise<Evaluation> {
    const layouts = await ModelLayouts.load(repository);
    const store = db ?? (await ThreadStore.open(settings.store, repository, settings.log.logInputs));
    const sink = store instanceof ThreadStore ? store : localSink(store, layouts.of, settings.log.logInputs);
    return new Evaluation(store, layouts, new PredictionLog(sink, settings.log, events), settings);
  }

  /** An answer served online (or in batch, or in shadow): sampled, buffered, written later. */
  recordAnswer(answer: AnsweredRequest): void {
    this.log.record(answer);
  }

  /** Edge records already checked against the manifest, written now (sampling applies as for cloud answers). */
  async ingestPredictions(rows: readonly PredictionRow[]): Promise<{ inserted: number; duplicates: number }> {
    return insertPredictions(this.db, rows, this.layouts.of);
  }

  ingestLabels(labels: readonly LabelRecord[]): Promise<{ accepted: number; pending: number }> {
    return insertLabels(this.db, labels, this.layouts.of);
  }

  windows(q: WindowQuery): Promise<Window[]> {
    return windows(this.db, q, this.layouts.of, this.settings.minLabels);
  }

  confusion(q: Omit<WindowQuery, 'window'>, labels: readonly string[]): ReturnType<typeof confusion> {
    return confusion(this.db, q, labels);
  }

  cascade(q: CascadeQuery): Promise<CascadeView> {
    return cascade(this.db, q);
  }

  /** Writes what the log holds, then closes the store. */
  async close(): Promise<void> {
    await this.log.close();
    await this.db.close();
  }
}
