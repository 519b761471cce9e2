/**
 * At most one retraining per model across every server sharing the store
 * (table retrain_leases): a run takes its model's lease, renews it while it
 * lasts and gives it back at the end. A server that dies stops renewing, and
 * once the lease has run out another may take it over.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database';

/** How long a lease lasts unless renewed, and how often a run renews it. */
export const LEASE_MS = 120_000;
const RENEW_FRACTION = 4;

/**
 * The lease on the registry's manifest: commands of any model, on any server sharing the store, take turns
 * with it. No model is named so: a name is a folder of the registry, without a slash.
 */
export const MANIFEST_LEASE = '/manifest.json';
/** How often a run waiting for the manifest's lease asks again. */
const WAIT_MS = 1000;

export interface Lease {
  /** Stops renewing and gives the lease back. */
  release(): Promise<void>;
}

export class RetrainLeases {
  constructor(
    private readonly db: Database,
    private readonly leaseMs: number = LEASE_MS,
    private readonly onRenewError: (error: unknown) => void = () => undefined,
  ) {}

  /** The model's lease, or undefined while another run (on any server) holds it. */
  async acquire(model: string): Promise<Lease | undefined> {
    const token = randomUUID();
    const seconds = this.leaseMs / 1000;
    const taken = await this.db.query<{ token: string }>(
      `INSERT INTO retrain_leases (model, token, expires) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (model) DO UPDATE SET token = excluded.token, expires = excluded.expires
       WHERE retrain_leases.expires < now()
       RETURNING token`,
      [model, token, seconds],
    );
    if (taken[0]?.token !== token) return undefined;
    const renew = setInterval(() => {
      this.db
        .query('UPDATE retrain_leases SET expires = now() + make_interval(secs => $3) WHERE model = $1 AND token = $2', [model, token, seconds])
        .catch(this.onRenewError);
    }, this.leaseMs / RENEW_FRACTION);
    renew.unref();
    return {
      release: async () => {
        clearInterval(renew);
        await this.db.query('DELETE FROM retrain_leases WHERE model = $1 AND token = $2', [model, token]);
      },
    };
  }

  /** Runs `task` holding the lease `name`, waiting for it as long as another holds it (until `signal` aborts). */
  async holding<T>(name: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    let lease = await this.acquire(name);
    while (!lease) {
      signal.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
      lease = await this.acquire(name);
    }
    try {
      return await task();
    } finally {
      await lease.release();
    }
  }
}
