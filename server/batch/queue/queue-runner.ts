/**
 * The QueueRunner: a ChunkRunner that runs chunks on workers of other
 * processes and machines through a BullMQ queue (settings.ts). `run(chunk)`
 * adds the chunk's job (a no-op when it is already there: waiting, running
 * or done) and waits for it to finish through QueueEvents. A finished job
 * counts only if the chunk's predictions file is in the folder; otherwise
 * (a failed job, or a done one whose files are gone) it is removed and added
 * again. `stop()` takes back the chunks no worker has started and gives up
 * waiting; chunks already running finish and commit (the rerun counts them).
 */
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ChunkAbandoned } from '../chunk/process-chunk';
import { predictionsFile, type BatchJob, type ChunkResult } from '../job/spec';
import type { ChunkRunner } from '../pool/pool';
import type { PoolEvent } from '../pool/pool-api';
import { chunkJobId, jobHash, QUEUE_NAME, redisClient, STAGING_DIR, type ChunkJobData } from './settings';

/** Finished jobs are kept this long, so a rerun finds them done; then Redis forgets them. */
const KEEP_SECONDS = 7 * 24 * 3600;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export class QueueRunner implements ChunkRunner {
  private readonly hash: string;
  private readonly waiting = new Map<number, (error: unknown) => void>();
  private readonly removals: Promise<unknown>[] = [];
  private stopped = false;

  private constructor(
    private readonly job: BatchJob,
    private readonly clients: readonly Redis[],
    private readonly queue: Queue<ChunkJobData, ChunkResult>,
    private readonly events: QueueEvents,
  ) {
    this.hash = jobHash(job);
  }

  static async open(job: BatchJob, url: string, onEvent: (event: PoolEvent) => void = () => undefined): Promise<QueueRunner> {
    const clients = [redisClient(url), redisClient(url)] as const;
    const queue = new Queue<ChunkJobData, ChunkResult>(QUEUE_NAME, { connection: clients[0] });
    const events = new QueueEvents(QUEUE_NAME, { connection: clients[1] });
    // Each chunk waited on listens for the queue's closing: as many listeners as chunks in flight.
    queue.setMaxListeners(0);
    const runner = new QueueRunner(job, clients, queue, events);
    events.on('progress', ({ jobId, data }) => {
      const chunk = runner.chunkOf(jobId);
      const progress = data as { rows?: unknown; failed?: unknown };
      if (chunk !== undefined && typeof progress.rows === 'number' && typeof progress.failed === 'number')
        onEvent({ chunk, rows: progress.rows, failed: progress.failed });
    });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (error) {
      await runner.close();
      throw error;
    }
    return runner;
  }

  private chunkOf(jobId: string): number | undefined {
    const prefix = `${this.hash}-`;
    return jobId.startsWith(prefix) ? Number(jobId.slice(prefix.length)) : undefined;
  }

  async run(chunk: number): Promise<ChunkResult> {
    if (this.stopped) throw new ChunkAbandoned(`chunk ${chunk} was stopped before it started`);
    const id = chunkJobId(this.hash, chunk);
    const committed = () => exists(join(this.job.spec.output, predictionsFile(chunk)));
    for (let round = 0; ; round++) {
      const existing = await Job.fromId<ChunkJobData, ChunkResult>(this.queue, id);
      const state = existing ? await existing.getState() : undefined;
      // A failed job is not retried by BullMQ (one attempt): the coordinator's retry adds it anew.
      if (existing && (state === 'failed' || (state === 'completed' && !(await committed())))) await existing.remove();
      const added = await this.queue.add(
        'chunk',
        { output: this.job.spec.output, chunk },
        { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } },
      );
      const result = await new Promise<ChunkResult>((resolve, reject) => {
        this.waiting.set(chunk, reject);
        added.waitUntilFinished(this.events).then(resolve, reject);
      }).finally(() => this.waiting.delete(chunk));
      if (this.stopped) throw new ChunkAbandoned(`chunk ${chunk} was stopped`);
      if (await committed()) return result;
      if (round > 0)
        throw new Error(
          `chunk ${chunk}: a worker reported it done, but ${predictionsFile(chunk)} is not in ${this.job.spec.output}: do the workers see this folder?`,
        );
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const [chunk, reject] of this.waiting) {
      // Takes the chunk back if no worker has it yet (a running job is locked and stays).
      this.removals.push(this.queue.remove(chunkJobId(this.hash, chunk)).catch(() => undefined));
      reject(new ChunkAbandoned(`chunk ${chunk} was stopped`));
    }
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.removals);
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    await Promise.allSettled(this.clients.map((client) => client.quit()));
    // Every chunk done: the workers' staging folders are leftovers (a killed worker's, or a racer's).
    const complete = await Promise.all(this.job.chunks.map((c) => exists(join(this.job.spec.output, predictionsFile(c.index)))));
    if (complete.every(Boolean)) await rm(join(this.job.spec.output, STAGING_DIR), { recursive: true, force: true });
  }
}
