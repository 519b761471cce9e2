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

/** A change and the deployment it was made from, as its server last read it (undefined: none was stored). */
export interface DeploymentChange {
  readonly next: StoredDeployment;
  readonly expected: StoredDeployment | undefined;
}

/** A change made from a deployment another replica has changed since: nothing was written. */
export class StaleDeploymentError extends Error {
  override readonly name = 'StaleDeploymentError';
  constructor(readonly model: string) {
    super(`the deployment of ${model} changed in the store since it was read`);
  }
}

export interface DeploymentStore {
  all(): Promise<StoredDeployment[]>;
  /**
   * Replaces the deployments of their models, all in one transaction (a
   * promotion of several models commits whole or not at all), if each is
   * still stored as `expected`; else StaleDeploymentError and nothing is
   * written, so a replica that has not read another's change yet never
   * overwrites it. `alongside` (the audit entries of the change) runs in the
   * same transaction, so everything commits or nothing does.
   */
  put(changes: readonly DeploymentChange[], alongside?: (tx: Queryable) => Promise<void>): Promise<void>;
}

/** Whether the stored deployment is the one a change was made from: every field the same. */
const same = (stored: StoredDeployment | undefined, expected: StoredDeployment | undefined) =>
  stored === undefined || expected === undefined
    ? stored === expected
    : (Object.keys(expected) as (keyof StoredDeployment)[]).every((field) => stored[field] === expected[field]);

export function memoryDeploymentStore(): DeploymentStore {
  const kept = new Map<string, StoredDeployment>();
  return {
    all: async () => [...kept.values()],
    // Without a store there is no audit log either: nothing is ever asked to run alongside.
    put: async (changes) => {
      const stale = changes.find((c) => !same(kept.get(c.next.model), c.expected));
      if (stale) throw new StaleDeploymentError(stale.next.model);
      for (const { next } of changes) kept.set(next.model, next);
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
    put: (changes, alongside) =>
      db.transaction(async (tx) => {
        for (const { next: d, expected: e } of changes) {
          const values = [d.model, d.champion, d.previousChampion, d.challenger, d.mode, d.challengerShare, new Date(d.since).toISOString()];
          // Written only over the row the change was made from (or none): a row another replica wrote since makes it stale.
          const written =
            e === undefined
              ? await tx.query(
                  `INSERT INTO deployments (model, champion, previous_champion, challenger, mode, challenger_share, since) VALUES ($1, $2, $3, $4, $5, $6, $7)
                   ON CONFLICT (model) DO NOTHING RETURNING model`,
                  values,
                )
              : await tx.query(
                  // `since` as read (milliseconds), whatever precision wrote it; every other column as read.
                  `UPDATE deployments SET champion = $2, previous_champion = $3, challenger = $4, mode = $5, challenger_share = $6, since = $7
                   WHERE model = $1 AND date_trunc('milliseconds', since) = $8::timestamptz AND champion = $9
                     AND previous_champion IS NOT DISTINCT FROM $10 AND challenger IS NOT DISTINCT FROM $11 AND mode = $12 AND challenger_share = $13
                   RETURNING model`,
                  [...values, new Date(e.since).toISOString(), e.champion, e.previousChampion, e.challenger, e.mode, e.challengerShare],
                );
          if (written.length === 0) throw new StaleDeploymentError(d.model);
        }
        await alongside?.(tx);
      }),
  };
}
