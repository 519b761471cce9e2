/**
 * bench:batch (d): the batch command through a BullMQ queue, with two
 * `batch worker` processes (concurrency 1 each) on this machine and a Redis
 * of its own, against the local pool of (b) on the same inputs.
 *
 * - Throughput: the same 20,000 and 200,000 rows as (b), end to end and past
 *   the fixed start (the difference of the two runs, see command.ts). The
 *   workers are started and warmed up by a small job first (each has loaded
 *   the model), as long-running workers are; the pool starts its threads and
 *   loads the model in every run, which only the end-to-end figure counts.
 * - Overhead per chunk: the same 40,000 rows cut into chunks of 10,000 and
 *   of 256 (one batch each), through the queue and through the pool, back to
 *   back, twice, keeping the faster run of each. The extra time of the small
 *   chunks, times the lanes (two workers, or two pool threads), over the
 *   extra chunks is what a chunk costs a lane beyond its rows. On the queue
 *   that is handing it out and taking it back (the coordinator queues chunks
 *   ahead, as it does by default, so a worker finds the next one waiting),
 *   reading the plan, staging, and the commit by link; the pool's figure
 *   holds what both pay (opening, the pipeline's fill and drain, fsync,
 *   rename, job.json), so the difference is the queue's own.
 * Workers and Redis are stopped at the end, also on failure or Ctrl-C.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedis, type TestRedis } from '../../../test/batch/redis';
import { marginalRowsPerSecond, perChunkMs, predict, rowsPerSecond, spawnBatch, type CommandRun } from './command';
import { writeInput, type Input } from './inputs';

const run = promisify(execFile);
const WORKERS = 2;
const FEW_ROWS = 10_000;
const MANY_ROWS = 256;
const CHUNKED_ROWS = 40_000;

type Chunked = CommandRun & { readonly chunks: number };

export interface QueueFigures {
  readonly small: CommandRun;
  readonly large: CommandRun;
  readonly queue: { readonly few: Chunked; readonly many: Chunked };
  readonly pool: { readonly few: Chunked; readonly many: Chunked };
}

/** Debian's redis-server, installed by the project's script when missing. */
async function ensureRedis(): Promise<void> {
  const found = await run('redis-server', ['--version']).then(
    () => true,
    () => false,
  );
  if (!found) await run('bash', ['scripts/ensure-redis.sh']);
}

interface Worker {
  readonly child: ChildProcess;
  readonly stderr: () => string;
}

async function startWorker(url: string): Promise<Worker> {
  const worker = spawnBatch(['worker', '--queue', url, '--concurrency', '1']);
  const deadline = performance.now() + 60_000;
  while (!/batch worker: ready/.test(worker.stderr())) {
    if (worker.child.exitCode !== null || performance.now() > deadline) {
      worker.child.kill('SIGKILL');
      throw new Error(`a batch worker did not start: ${worker.stderr().trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return worker;
}

/** SIGTERM (a worker finishes its running chunk), then SIGKILL if it is still there after 15 s. */
async function stopWorker({ child }: Worker): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

const chunked = async (input: Input, output: string, chunkRows: number, more: readonly string[]): Promise<Chunked> => ({
  ...(await predict(input, output, ['--chunk-rows', String(chunkRows), ...more])),
  chunks: Math.ceil(input.rows / chunkRows),
});

/** `small` and `large` are the inputs of (b); `poolWorkers` its pool size. */
export async function measureQueue(dir: string, small: Input, large: Input, poolWorkers: number): Promise<QueueFigures> {
  await ensureRedis();
  const warmUp = await writeInput(join(dir, 'warm-up.jsonl'), 2048);
  const split = await writeInput(join(dir, 'chunked.jsonl'), CHUNKED_ROWS);
  let redis: TestRedis | undefined;
  const workers: Worker[] = [];
  const stop = async () => {
    await Promise.all(workers.splice(0).map(stopWorker));
    await redis?.stop();
    redis = undefined;
  };
  const interrupted = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    redis = await startRedis();
    const queue = ['--queue', redis.url];
    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker(redis.url));
    // Eight chunks queued at once: both workers take some, and load the model.
    await predict(warmUp, join(dir, 'queue-warm-up'), ['--chunk-rows', '256', ...queue]);
    const smallRun = await predict(small, join(dir, 'queue-small'), queue);
    const largeRun = await predict(large, join(dir, 'queue-large'), queue);
    // Twice each, interleaved; the faster of two is kept (a busy machine only ever adds time).
    const pool = ['--workers', String(poolWorkers)];
    const plan = { poolFew: [FEW_ROWS, pool], queueFew: [FEW_ROWS, queue], poolMany: [MANY_ROWS, pool], queueMany: [MANY_ROWS, queue] } as const;
    const best: Partial<Record<keyof typeof plan, Chunked>> = {};
    for (let round = 0; round < 2; round++) {
      for (const [name, [chunkRows, runner]] of Object.entries(plan) as [keyof typeof plan, (typeof plan)[keyof typeof plan]][]) {
        const timed = await chunked(split, join(dir, `${name}-${round}`), chunkRows, runner);
        if (!best[name] || timed.seconds < best[name].seconds) best[name] = timed;
      }
    }
    const { poolFew, queueFew, poolMany, queueMany } = best as Record<keyof typeof plan, Chunked>;
    return { small: smallRun, large: largeRun, queue: { few: queueFew, many: queueMany }, pool: { few: poolFew, many: poolMany } };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stop();
  }
}

export function printQueue(figures: QueueFigures, pool: { readonly small: CommandRun; readonly large: CommandRun }, poolWorkers: number): void {
  const { small, large, queue } = figures;
  const n = (value: number) => value.toFixed(0).padStart(8);
  const rows = (count: number) => count.toLocaleString('en');
  console.log(`(d) through a BullMQ queue: ${WORKERS} batch worker processes (concurrency 1 each) on this machine, a Redis of its own`);
  console.log(`    the batch command on ${rows(large.rows)} rows:  ${n(rowsPerSecond(large))} rows/s (${large.seconds.toFixed(1)} s, workers already running)`);
  console.log(`    queue / local pool (${poolWorkers} threads), end to end:  ${(rowsPerSecond(large) / rowsPerSecond(pool.large)).toFixed(2)}`);
  const queueRate = marginalRowsPerSecond(small, large);
  const poolRate = marginalRowsPerSecond(pool.small, pool.large);
  console.log(
    `    past the fixed start (${rows(small.rows)} and ${rows(large.rows)} rows): queue ${n(queueRate)} rows/s, pool ${n(poolRate)} rows/s; queue / pool ${(queueRate / poolRate).toFixed(2)}`,
  );
  const queueMs = perChunkMs(queue.few, queue.many, WORKERS);
  const poolMs = perChunkMs(figures.pool.few, figures.pool.many, poolWorkers);
  console.log(
    `    per chunk (${rows(queue.few.rows)} rows in ${queue.few.chunks} chunks, then ${queue.many.chunks}): queue ${queueMs.toFixed(1)} ms a worker, pool ${poolMs.toFixed(1)} ms a thread; the queue's own ${(queueMs - poolMs).toFixed(1)} ms a chunk`,
  );
  console.log(
    `      (queue ${queue.few.seconds.toFixed(2)} s → ${queue.many.seconds.toFixed(2)} s, pool ${figures.pool.few.seconds.toFixed(2)} s → ${figures.pool.many.seconds.toFixed(2)} s)`,
  );
}
