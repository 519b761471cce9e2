/**
 * The batch jobs of every replica sharing the store (table batch_jobs): each
 * replica writes the status of the jobs it took, with its own address, so any
 * replica can report any job and knows which replica to ask for its output.
 * The record and the output themselves stay in the owner's BATCH_DIR, and a
 * job never waits on these writes: they run in the background, the latest
 * status of each job only, retried until the store takes them.
 */
import type { BatchJobStatus } from '../../../src/core/api/batch';
import { ServiceError } from '../../../src/core/api/errors';
import type { Queryable } from '../../db/database';
import { LatestWrites } from '../../db/latest-writes';

export interface SharedJob {
  /** The address of the replica that took the job (its REPLICA_URL). */
  readonly owner: string;
  readonly status: BatchJobStatus;
}

/** A read that failed: the store is down, and so is every other replica's view of the jobs; retried by the client. */
function unreadable(error: unknown): never {
  throw new ServiceError('STORE_UNAVAILABLE', "the evaluation store is unavailable, so the other replicas' batch jobs cannot be read; retry shortly", 1, {
    cause: error,
  });
}

/** Where a job stands in the list: newest first, by creation time, then id. */
export type JobPosition = Pick<BatchJobStatus, 'created' | 'id'>;

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The list's order, as the table sorts it: newest first, then ids in byte order, descending. */
export const newestFirst = (a: JobPosition, b: JobPosition) => byteOrder(b.created, a.created) || byteOrder(b.id, a.id);

/**
 * One page of the list: the table's page (read one job deeper) and this server's own jobs past the same point,
 * which are as they are now and listed even when their write to the table failed. `next` when more follow.
 */
export function mergedPage(shared: readonly BatchJobStatus[], mine: readonly BatchJobStatus[], limit: number): { jobs: BatchJobStatus[]; next?: string } {
  const byId = new Map(shared.map((status) => [status.id, status]));
  for (const status of mine) byId.set(status.id, status);
  const ordered = [...byId.values()].sort(newestFirst).slice(0, limit + 1);
  const jobs = ordered.slice(0, limit);
  return ordered.length > limit ? { jobs, next: (jobs.at(-1) as BatchJobStatus).id } : { jobs };
}

export class SharedJobs {
  private readonly writes: LatestWrites<BatchJobStatus>;

  constructor(
    private readonly db: Queryable,
    /** This replica's address, written as the owner of the jobs it takes. */
    readonly self: string,
    onWriteError: (error: unknown, id: string) => void = () => undefined,
  ) {
    this.writes = new LatestWrites(
      (status) =>
        db.query(
          `INSERT INTO batch_jobs (id, owner, created, status) VALUES ($1, $2, $3::timestamptz, $4::jsonb)
           ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, status = excluded.status, updated = now()`,
          [status.id, self, status.created, JSON.stringify(status)],
        ),
      onWriteError,
    );
  }

  /** Queues a job's status as this replica's; resolves once it (or a later one) is written. */
  publish(status: BatchJobStatus): Promise<void> {
    return this.writes.put(status.id, status);
  }

  async get(id: string): Promise<SharedJob | undefined> {
    const rows = await this.db.query<SharedJob>('SELECT owner, status FROM batch_jobs WHERE id = $1', [id]).catch(unreadable);
    return rows[0];
  }

  /**
   * Every replica's jobs, newest first (ids in byte order within a millisecond): `limit` of them, from after
   * `after`. A failed read rejects: the service lists this server's own jobs then.
   */
  async list(limit: number, after?: JobPosition): Promise<SharedJob[]> {
    return this.db.query<SharedJob>(
      `SELECT owner, status FROM batch_jobs
         WHERE $1::timestamptz IS NULL OR created < $1::timestamptz OR (created = $1::timestamptz AND id COLLATE "C" < $2::text)
         ORDER BY created DESC, id COLLATE "C" DESC LIMIT $3`,
      [after?.created ?? null, after?.id ?? null, limit],
    );
  }

  /** Writes what is still queued, for at most `graceMs`. */
  close(graceMs: number): Promise<void> {
    return this.writes.close(graceMs);
  }
}
