/**
 * What the coordinator's QueueRunner and the workers agree on: the BullMQ
 * queue's name, how a chunk's job is named, and the lock settings.
 *
 * One BullMQ job per chunk, its id `<job folder hash>-<chunk index>`: adding
 * it again (a coordinator rerun after a kill) is a no-op while it waits, runs
 * or is done. Its data is the output folder and the chunk index; workers read
 * plan.json from that folder, which every machine sees (NFS or a bucket mount
 * in production), at the same path.
 *
 * Lock settings. A worker holds a lock on each chunk it runs, renewed every
 * half `lockDuration` while its event loop turns; a worker that dies (kill -9,
 * a lost machine) stops renewing, and within `stalledInterval` after the lock
 * expires another worker's stalled-job check puts the chunk back in the queue.
 * - lockDuration 30 s: long enough that a busy worker (its event loop parsing
 *   rows, PNG decoding) never loses a live chunk's lock; a dead worker's
 *   chunk waits at most this long plus stalledInterval to be taken again.
 * - stalledInterval 15 s: how often each worker looks for expired locks.
 * - maxStalledCount 3: a chunk may lose its worker three times before BullMQ
 *   fails it (the coordinator then retries it, as with any failed chunk); a
 *   chunk that kills every worker that takes it does not go round forever.
 * A chunk whose lock expired while its worker was still alive (a long pause)
 * may run twice at once; that is safe, see worker.ts: each worker writes in a
 * folder of its own and a chunk is committed once.
 *
 * BATCH_QUEUE_LOCK_MS (environment, read by the workers) sets lockDuration,
 * with stalledInterval half of it: the tests use 2000 so that a killed
 * worker's chunk comes back within seconds.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BatchJob } from '../job/spec';

export const QUEUE_NAME = 'batch-chunks';
/** In the output folder: a folder per worker process where its chunks are written before they are committed. */
export const STAGING_DIR = '.workers';

/** What a chunk's BullMQ job carries. */
export interface ChunkJobData {
  /** The job's output folder (absolute): plan.json is there, and the chunk's files go there. */
  readonly output: string;
  readonly chunk: number;
}

export interface LockSettings {
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount: number;
}

export function lockSettings(env: Record<string, string | undefined>): LockSettings {
  const asked = env['BATCH_QUEUE_LOCK_MS'];
  const lockDuration = asked === undefined || asked === '' ? 30_000 : Number(asked);
  if (!Number.isInteger(lockDuration) || lockDuration < 500)
    throw new RangeError(`BATCH_QUEUE_LOCK_MS: ${JSON.stringify(asked)} is not a whole number of ms ≥ 500`);
  return { lockDuration, stalledInterval: Math.round(lockDuration / 2), maxStalledCount: 3 };
}

/** The hash naming a job's chunks in the queue: its folder, its input as planned, its model file and its cut. */
export function jobHash(job: BatchJob): string {
  const identity = { output: job.spec.output, input: job.input, model: job.entry.sha256, chunkRows: job.spec.chunkRows, signature: job.spec.signature };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

export const chunkJobId = (hash: string, chunk: number) => `${hash}-${chunk}`;

/** A Redis client as BullMQ wants it in ESM: constructed here, no retry limit per request. */
export function redisClient(url: string): Redis {
  if (!/^rediss?:\/\//.test(url)) throw new RangeError(`--queue: ${JSON.stringify(url)} is not a redis:// or rediss:// URL`);
  return new Redis(url, { maxRetriesPerRequest: null });
}
