/**
 * Where deployments are kept: the evaluation store (table `deployments`,
 * migration 004), so they survive restarts and replicas sharing the store
 * share them; in memory when continued evaluation is off, behind the same
 * interface.
 */
import type { DeploymentMode } from '../../../src/core/api/deployment';
import type { Database, Queryable } from '../../db/database';

/** A deployment as set by an operator. */
export interface StoredDeployment {
  readonly model: string;
  readonly champion: string;
  readonly challenger: string | null;
  readonly mode: DeploymentMode;
  readonly challengerShare: number;
  /** Epoch milliseconds of the change. */
  readonly since: number;
}

export interface DeploymentStore {
  all(): Promise<StoredDeployment[]>;
  /**
   * Replaces the model's deployment. `alongside` (the audit entry of the
   * change) runs in the same transaction, so both commit or neither does.
   */
  put(deployment: StoredDeployment, alongside?: (tx: Queryable) => Promise<void>): Promise<void>;
}

export function memoryDeploymentStore(): DeploymentStore {
  const kept = new Map<string, StoredDeployment>();
  return {
    all: async () => [...kept.values()],
    // Without a store there is no audit log either: nothing is ever asked to run alongside.
    put: async (deployment) => {
      kept.set(deployment.model, deployment);
    },
  };
}

interface Row {
  model: string;
  champion: string;
  challenger: string | null;
  mode: DeploymentMode;
  challenger_share: number;
  since: Date;
}

export function sqlDeploymentStore(db: Database): DeploymentStore {
  return {
    all: async () =>
      (await db.query<Row>('SELECT model, champion, challenger, mode, challenger_share, since FROM deployments ORDER BY model')).map((r) => ({
        model: r.model,
        champion: r.champion,
        challenger: r.challenger,
        mode: r.mode,
        challengerShare: Number(r.challenger_share),
        since: new Date(r.since).getTime(),
      })),
    put: (d, alongside) =>
      db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO deployments (model, champion, challenger, mode, challenger_share, since) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (model) DO UPDATE SET champion = excluded.champion, challenger = excluded.challenger, mode = excluded.mode,
           challenger_share = excluded.challenger_share, since = excluded.since`,
          [d.model, d.champion, d.challenger, d.mode, d.challengerShare, new Date(d.since).toISOString()],
        );
        await alongside?.(tx);
      }),
  };
}
