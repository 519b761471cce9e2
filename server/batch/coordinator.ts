/**
 * The coordinator: runs a job's chunks that are not complete yet on a chunk
 * runner (the local pool by default), keeps job.json up to date, and stops
 * early when more than `maxErrorRate` of the rows done so far failed, or when
 * its signal aborts (Ctrl-C). Complete chunks are found from their files, not
 * from job.json (a run killed between a chunk's commit and job.json's update
 * still counts it once), so rerunning the same job resumes it.
 *
 * With a `log`, each chunk is handed to it once committed, one at a time in
 * the background while other chunks run; a resumed or rerun job hands over
 * every complete chunk again at its start (the log is idempotent), rather
 * than keeping in job.json which chunks were logged. A chunk the log refuses
 * fails the job, its files kept: rerunning logs it again.
 */
import { ChunkAbandoned } from './chunk/process-chunk';
import { committedCounts, completedChunks, removeTempFiles } from './chunk/chunk-files';
import { writeJobFile, type JobFile, type JobStatus } from './job/job-file';
import { prepareJob } from './job/prepare';
import type { BatchJob, ChunkResult, JobSpec } from './job/spec';
import { LocalPool, type ChunkRunner } from './pool/pool';
import type { PoolEvent } from './pool/pool-api';

/** Attempts per chunk before the job fails (a pool thread that died, a model that restarted). */
const MAX_ATTEMPTS = 3;

export interface Progress {
  readonly rows: number;
  readonly done: number;
  readonly failed: number;
  /** Rows done by this run, and its time so far: the rate excludes chunks done by earlier runs. */
  readonly doneThisRun: number;
  readonly elapsedMs: number;
}

export interface RunOptions {
  readonly workers: number;
  readonly maxErrorRate: number;
  /** Aborting stops the job: running chunks give up, nothing of them is committed. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  /** Said once, before any chunk runs (planned or resumed, chunks left). */
  readonly onStart?: (job: BatchJob, state: JobFile, planned: boolean) => void;
  /** The runner of chunks; the local pool of `workers` threads when unset. */
  readonly runner?: (job: BatchJob, onEvent: (event: PoolEvent) => void) => Promise<ChunkRunner>;
  /** Called for each complete chunk (its predictions file exists), one call at a time; the job waits for the last. */
  readonly log?: (job: BatchJob, index: number) => Promise<void>;
}

export interface JobOutcome {
  readonly status: JobStatus;
  readonly message?: string;
  readonly job: JobFile;
}

const errorRate = (state: JobFile) => {
  const done = state.counts.successful + state.counts.failed;
  return done === 0 ? 0 : state.counts.failed / done;
};

export async function runJob(spec: JobSpec, options: RunOptions): Promise<JobOutcome> {
  const { job, state, planned, release } = await prepareJob(spec);
  const dir = job.spec.output;
  const started = performance.now();
  const previousMs = planned ? 0 : state.timings.run_ms;
  let doneThisRun = 0;
  let stop: { status: JobStatus; message: string } | undefined;
  // Chunks are logged one at a time, in the order they committed; the first failure stops the job.
  let logging: Promise<void> = Promise.resolve();
  const log = (index: number) => {
    const logChunk = options.log;
    if (!logChunk) return;
    logging = logging.then(async () => {
      if (stop?.status === 'failed') return;
      try {
        await logChunk(job, index);
      } catch (error) {
        stop = { status: 'failed', message: `logging chunk ${index} to the evaluation store failed: ${(error as Error).message}` };
      }
    });
  };
  // Chunks finish concurrently; their writes of job.json take turns (one temporary file).
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    saving = saving
      .catch(() => undefined)
      .then(() => {
        const seconds = (performance.now() - started) / 1000;
        state.timings.run_ms = Math.round(previousMs + seconds * 1000);
        state.timings.rows_per_second = Math.round(doneThisRun / Math.max(seconds, 1e-3));
        return writeJobFile(dir, state);
      });
    return saving;
  };
  try {
    // What is complete is what the files say.
    await removeTempFiles(dir);
    const complete = await completedChunks(dir);
    for (const chunk of state.chunks) {
      if (!complete.has(chunk.index)) {
        Object.assign(chunk, { state: 'pending', successful: undefined, failed: undefined, ms: undefined });
      } else if (chunk.state !== 'done' || chunk.successful === undefined) {
        Object.assign(chunk, { state: 'done', ...(await committedCounts(dir, chunk.index)) });
      }
    }
    state.status = 'running';
    delete state.message;
    delete state.timings.finished_at;
    await save();
    options.onStart?.(job, state, planned);
    for (const chunk of state.chunks) if (chunk.state === 'done') log(chunk.index);

    const inChunk = new Map<number, { rows: number; failed: number }>();
    const report = () => {
      let rows = state.counts.successful + state.counts.failed;
      let failed = state.counts.failed;
      for (const partial of inChunk.values()) {
        rows += partial.rows;
        failed += partial.failed;
      }
      options.onProgress?.({
        rows: state.counts.rows,
        done: rows,
        failed,
        doneThisRun: doneThisRun + [...inChunk.values()].reduce((a, p) => a + p.rows, 0),
        elapsedMs: performance.now() - started,
      });
    };
    if (errorRate(state) > options.maxErrorRate) stop = { status: 'failed', message: overRate(state, options.maxErrorRate) };
    const pending = state.chunks.filter((c) => c.state !== 'done').map((c) => c.index);
    if (pending.length === 0 || stop) {
      await logging;
      return await finish(state, save, stop, options.maxErrorRate);
    }

    const runner = await (options.runner ?? ((j, onEvent) => LocalPool.open(j, options.workers, onEvent)))(job, (event) => {
      inChunk.set(event.chunk, { rows: event.rows, failed: event.failed });
      report();
    });
    const onAbort = () => {
      stop ??= { status: 'interrupted', message: 'interrupted: running chunks were given up; run the same command again to resume' };
      runner.stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    try {
      const attempts = new Map<number, number>();
      const runOne = async (index: number): Promise<void> => {
        for (;;) {
          if (stop) return;
          const chunk = state.chunks[index];
          if (!chunk) return;
          chunk.state = 'running';
          let result: ChunkResult;
          try {
            result = await runner.run(index);
          } catch (error) {
            inChunk.delete(index);
            chunk.state = 'pending';
            if (error instanceof ChunkAbandoned || stop) return;
            const tries = (attempts.get(index) ?? 0) + 1;
            attempts.set(index, tries);
            if (tries < MAX_ATTEMPTS) continue;
            stop = {
              status: 'failed',
              message: `chunk ${index} (lines ${chunk.first_line}-${chunk.last_line}) failed ${tries} times: ${(error as Error).message}`,
            };
            return;
          }
          inChunk.delete(index);
          Object.assign(chunk, { state: 'done', successful: result.successful, failed: result.failed, ms: result.ms });
          doneThisRun += result.successful + result.failed;
          log(index);
          await save();
          report();
          if (errorRate(state) > options.maxErrorRate) stop ??= { status: 'failed', message: `stopped early: ${overRate(state, options.maxErrorRate)}` };
          return;
        }
      };
      // As many chunks in flight as threads, taken in order.
      let next = 0;
      const lane = async () => {
        while (!stop && next < pending.length) await runOne(pending[next++] as number);
      };
      await Promise.all(Array.from({ length: Math.max(1, options.workers) }, lane));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await runner.close();
    }
    await logging;
    return await finish(state, save, stop, options.maxErrorRate);
  } finally {
    release();
  }
}

function overRate(state: JobFile, maxErrorRate: number): string {
  const done = state.counts.successful + state.counts.failed;
  return (
    `${state.counts.failed} of ${done} rows failed (${((100 * state.counts.failed) / done).toFixed(1)}%), more than --max-error-rate ${maxErrorRate}; ` +
    'see the errors-*.jsonl files. Fix the input, or rerun with a higher --max-error-rate to go on'
  );
}

async function finish(
  state: JobFile,
  save: () => Promise<void>,
  stop: { status: JobStatus; message: string } | undefined,
  maxErrorRate: number,
): Promise<JobOutcome> {
  for (const chunk of state.chunks) if (chunk.state === 'running') chunk.state = 'pending';
  const allDone = state.chunks.every((c) => c.state === 'done');
  const status: JobStatus = stop?.status ?? (allDone ? 'succeeded' : 'interrupted');
  state.status = status;
  if (stop) state.message = stop.message;
  if (allDone) state.timings.finished_at = new Date().toISOString();
  await save();
  // Done, but over the rate: it fails with the same message as a job stopped early.
  if (status === 'succeeded' && errorRate(state) > maxErrorRate) {
    state.status = 'failed';
    state.message = overRate(state, maxErrorRate);
    await save();
  }
  return { status: state.status, ...(state.message ? { message: state.message } : {}), job: state };
}
