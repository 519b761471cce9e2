/**
 * The retraining runs of every replica sharing the store (table
 * retrain_runs): the replica running one writes it as it goes, so any
 * replica lists every run of a model with its steps and decision.
 */
import { MAX_RETRAIN_RUNS, type RetrainRun } from '../../../src/core/api/retrain';
import type { Queryable } from '../../db/database';
import { LatestWrites } from '../../db/latest-writes';

/** Why a run left 'running' by its server ended. */
export const ORPHANED = 'its server stopped before the run ended';

export class SharedRuns {
  /** In the background, the latest of each run, retried until the store takes it: a run never waits on them. */
  private readonly writes: LatestWrites<RetrainRun>;

  constructor(
    private readonly db: Queryable,
    onWriteError: (error: unknown, id: string) => void = () => undefined,
  ) {
    this.writes = new LatestWrites(
      (run) =>
        db.query(
          `INSERT INTO retrain_runs (id, model, started, run) VALUES ($1, $2, $3::timestamptz, $4::jsonb)
           ON CONFLICT (id) DO UPDATE SET run = excluded.run, updated = now()`,
          [run.id, run.model, run.started, JSON.stringify(run)],
        ),
      onWriteError,
    );
  }

  /** Queues the run as it is now (a copy); resolves once it, or a later state of it, is written. */
  publish(run: RetrainRun): Promise<void> {
    return this.writes.put(run.id, structuredClone(run));
  }

  /** Writes what is still queued, for at most `graceMs`. */
  close(graceMs: number): Promise<void> {
    return this.writes.close(graceMs);
  }

  /** Runs of `model` still 'running' whose server died: failed now. Call holding the model's lease, so none is really running. */
  async closeOrphans(model: string, finished: string): Promise<void> {
    await this.db.query(
      `UPDATE retrain_runs SET run = run || jsonb_build_object('state', 'failed', 'finished', $2::text, 'message', $3::text), updated = now()
       WHERE model = $1 AND run->>'state' = 'running'`,
      [model, finished, ORPHANED],
    );
  }

  /** The model's runs on every replica, newest first (a failed read rejects: the runner lists its own then). */
  async list(model: string): Promise<RetrainRun[]> {
    const rows = await this.db.query<{ run: RetrainRun }>('SELECT run FROM retrain_runs WHERE model = $1 ORDER BY started DESC, id DESC LIMIT $2', [
      model,
      MAX_RETRAIN_RUNS,
    ]);
    return rows.map((row) => row.run);
  }
}
