/**
 * Where deployments are kept: the evaluation store (table `deployments`,
 * migrations 004 and 005), so they survive restarts and replicas sharing the
 * store share them; in memory when continued evaluation is off, behind the
 * same interface.
 */
import type { DeploymentMode } from '../../../src/core/api/deployment';
import type { Database, Queryable } from '../../db/database';

/** A deployment as set by an operator. */
export interface StoredDeployment {
  readonly model: string;
  readonly champion: string;
  /** The champion before the last change of champion: what a rollback returns to; null when there is none. */
  readonly previousChampion: string | null;
  readonly challenger: string | null;
  readonly mode: DeploymentMode;
  readonly challengerShare: number;
  /** Epoch milliseconds of the change. */
  readonly since: number;
}

export interface DeploymentStore {
  all(): Promise<StoredDeployment[]>;
  /**
   * Replaces the deployments of their models, all in one transaction (a
   * promotion of several models commits whole or not at all). `alongside`
   * (the audit entries of the change) runs in the same transaction, so
   * everything commits or nothing does.
   */
  put(deployments: readonly StoredDeployment[], alongside?: (tx: Queryable) => Promise<void>): Promise<void>;
}

export function memoryDeploymentStore(): DeploymentStore {
  const kept = new Map<string, StoredDeployment>();
  return {
    all: async () => [...kept.values()],
    // Without a store there is no audit log either: nothing is ever asked to run alongside.
    put: async (deployments) => {
      for (const d of deployments) kept.set(d.model, d);
    },
  };
}

interface Row {
  model: string;
  champion: string;
  previous_champion: string | null;
  challenger: string | null;
  mode: DeploymentMode;
  challenger_share: number;
  since: Date;
}

export function sqlDeploymentStore(db: Database): DeploymentStore {
  return {
    all: async () =>
      (await db.query<Row>('SELECT model, champion, previous_champion, challenger, mode, challenger_share, since FROM deployments ORDER BY model')).map(
        (r) => ({
          model: r.model,
          champion: r.champion,
          previousChampion: r.previous_champion,
          challenger: r.challenger,
          mode: r.mode,
          challengerShare: Number(r.challenger_share),
          since: new Date(r.since).getTime(),
        }),
      ),
    put: (deployments, alongside) =>
      db.transaction(async (tx) => {
        for (const d of deployments) {
          await tx.query(
            `INSERT INTO deployments (model, champion, previous_champion, challenger, mode, challenger_share, since) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (model) DO UPDATE SET champion = excluded.champion, previous_champion = excluded.previous_champion,
               challenger = excluded.challenger, mode = excluded.mode, challenger_share = excluded.challenger_share, since = excluded.since`,
            [d.model, d.champion, d.previousChampion, d.challenger, d.mode, d.challengerShare, new Date(d.since).toISOString()],
          );
        }
        await alongside?.(tx);
      }),
  };
}
