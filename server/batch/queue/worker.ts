/**
 * A batch worker: `npm run batch -- worker --queue redis://… [--concurrency n]`
 * takes chunks from the queue (settings.ts), on any machine that sees the
 * jobs' input and output folders at the same paths as the coordinator. For
 * each chunk it reads the job's plan.json, loads the model version on demand
 * (kept per model file for the next chunks), and runs `processChunk`.
 *
 * Committed once: a chunk whose predictions file is already there returns at
 * once (a redelivered chunk, or one another worker finished). Otherwise the
 * chunk is written in this process's own staging folder (output/.workers/
 * <host>-<pid>/, so two workers racing on a chunk never share a temporary
 * file), then moved into the output folder: the errors file by rename, the
 * predictions file last by link (refused when the file exists: the other
 * racer committed first, and this copy is dropped), so the predictions file
 * appears once, whole. Rows are deterministic, so either racer's errors file
 * is the same. On a file system without hard links, rename takes its place.
 */
import { link, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import { MODEL_PACK_DIR } from '../../../src/core/manifest';
import { loadModel, type ServingModel } from '../../serving/model';
import { committedCounts } from '../chunk/chunk-files';
import { BATCH_ROWS, processChunk } from '../chunk/process-chunk';
import { errorsFile, PLAN_FILE, predictionsFile, type BatchJob, type ChunkResult } from '../job/spec';
import { lockSettings, QUEUE_NAME, redisClient, STAGING_DIR, type ChunkJobData } from './settings';

export interface WorkerOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly env: Record<string, string | undefined>;
  /** A line for the log: ready, each chunk, failures. */
  readonly log: (line: string) => void;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );

/** Models by file (name, version and sha256), each loaded once, on first use. */
class Models {
  private readonly loaded = new Map<string, Promise<ServingModel>>();

  constructor(
    private readonly registry: string,
    private readonly threads: number,
  ) {}

  get(job: BatchJob): Promise<ServingModel> {
    const { entry } = job;
    const key = `${entry.name}@${entry.version}@${entry.sha256}`;
    let model = this.loaded.get(key);
    if (!model) {
      model = loadModel(this.registry, entry, {
        intraOpThreads: this.threads,
        intraOpSpinning: false,
        batching: { enabled: false, maxBatchSize: BATCH_ROWS, maxQueueDelayMs: 0, maxQueueRows: BATCH_ROWS * 4 * this.threads },
      });
      // A model that failed to load is tried again by the next chunk.
      model.catch(() => this.loaded.delete(key));
      this.loaded.set(key, model);
    }
    return model;
  }

  async close(): Promise<void> {
    const models = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.allSettled(models.map(async (m) => (await m).close()));
  }
}

/** Moves a chunk from the staging folder into the output folder; false when another worker committed it first. */
export async function commitStaged(staging: string, output: string, chunk: number): Promise<boolean> {
  const final = join(output, predictionsFile(chunk));
  if (await exists(final)) return false;
  await rename(join(staging, errorsFile(chunk)), join(output, errorsFile(chunk)));
  const staged = join(staging, predictionsFile(chunk));
  try {
    await link(staged, final);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    await rename(staged, final);
    return true;
  }
  return true;
}

export async function runWorker(options: WorkerOptions, signal?: AbortSignal): Promise<void> {
  const registry = options.env['MODEL_REPOSITORY'] || MODEL_PACK_DIR;
  const models = new Models(registry, options.concurrency);
  const me = `${hostname()}-${process.pid}`;
  const client = redisClient(options.url);

  const handle = async (bull: Job<ChunkJobData, ChunkResult>): Promise<ChunkResult> => {
    const { output, chunk } = bull.data;
    if (await exists(join(output, predictionsFile(chunk)))) return { index: chunk, ...(await committedCounts(output, chunk)), ms: 0 };
    const job = JSON.parse(await readFile(join(output, PLAN_FILE), 'utf8')) as BatchJob;
    const model = await models.get(job);
    const staging = join(output, STAGING_DIR, me);
    await mkdir(staging, { recursive: true });
    const result = await processChunk({ ...job, spec: { ...job.spec, output: staging } }, chunk, {
      model,
      onRows: (rows, failed) => void bull.updateProgress({ rows, failed }).catch(() => undefined),
    });
    const mine = await commitStaged(staging, output, chunk);
    await Promise.all([rm(join(staging, predictionsFile(chunk)), { force: true }), rm(join(staging, errorsFile(chunk)), { force: true })]);
    if (!mine) return { index: chunk, ...(await committedCounts(output, chunk)), ms: result.ms };
    options.log(`batch worker: chunk ${chunk} of ${output}: ${result.successful} predictions, ${result.failed} errors in ${result.ms} ms`);
    return result;
  };

  const worker = new Worker<ChunkJobData, ChunkResult>(QUEUE_NAME, handle, {
    connection: client,
    concurrency: options.concurrency,
    ...lockSettings(options.env),
  });
  worker.on('failed', (job, error) => options.log(`batch worker: chunk ${job?.data.chunk ?? '?'} of ${job?.data.output ?? '?'} failed: ${error.message}`));
  worker.on('error', (error) => options.log(`batch worker: ${error.message}`));
  try {
    await worker.waitUntilReady();
    options.log(`batch worker: ready on ${QUEUE_NAME} (${me}, concurrency ${options.concurrency})`);
    await new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    options.log('batch worker: stopping after the running chunks…');
  } finally {
    // Waits for the running chunks to finish and commit.
    await worker.close();
    await models.close();
    await client.quit().catch(() => undefined);
  }
}
