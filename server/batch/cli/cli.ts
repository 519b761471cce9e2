/**
 * The batch command line, `npm run batch -- predict ...`: turns the outcome
 * into an exit code: 0 done, 1 failed with a message (a missing or empty
 * input, an unknown model or version, another job's folder, too many bad
 * rows), 2 and the usage for a bad command line, 130 when interrupted. The
 * job's summary (job.json's counts and status) goes to stdout as JSON.
 * With --log the evaluation store is opened first: one that cannot be opened
 * fails the command (exit 1) before any work. The queue, the worker and the
 * store are imported only when asked for: a local job starts sooner, and
 * ioredis (which slows string scanning in the process that loads it) stays out.
 */
import { isParseArgsError } from './parse-args-error';
import type { Io } from '../../cli/io';
import { loadConfig } from '../../config';
import { runJob } from '../coordinator';
import type { ChunkLog } from '../log/chunk-log';
import { progressReporter } from './progress';
import type { JobSpec } from '../job/spec';
import { parsePredict, parseWorker, USAGE, UsageError } from './usage';

export interface CliIo extends Io {
  /** Whether stderr is a terminal (a progress bar) or not (progress lines). */
  readonly terminal: boolean;
  /** Raw stderr, for the progress bar. */
  readonly errRaw: (text: string) => void;
}

export async function runBatchCli(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help' || args.includes('--help') || args.includes('-h')) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    if (command === 'worker') {
      const { queue, concurrency } = parseWorker(args);
      const { runWorker } = await import('../queue/worker');
      await runWorker({ url: queue, concurrency, env: io.env, log: io.err }, signal);
      return signal?.aborted ? 130 : 0;
    }
    if (command !== 'predict') throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
    const { spec, workers, maxErrorRate, queue, log } = parsePredict(args, io.env);
    const chunkLog = log ? await (await import('../log/chunk-log')).ChunkLog.open(loadConfig(io.env).evaluation.store, spec.registry) : undefined;
    try {
      return await predict(io, spec, { workers, maxErrorRate, queue, chunkLog }, signal);
    } finally {
      await chunkLog?.close();
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`batch: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`batch: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function predict(
  io: CliIo,
  spec: JobSpec,
  { workers, maxErrorRate, queue, chunkLog }: { workers: number; maxErrorRate: number; queue: string | undefined; chunkLog: ChunkLog | undefined },
  signal: AbortSignal | undefined,
): Promise<number> {
  const progress = progressReporter(io.errRaw, io.terminal);
  const outcome = await runJob(spec, {
    workers,
    maxErrorRate,
    ...(signal ? { signal } : {}),
    onStart: (job, state, planned) => {
      const left = state.chunks.filter((c) => c.state !== 'done').length;
      io.err(
        `batch: ${planned ? 'planned' : 'resuming'} ${job.rows} rows of ${job.input.path} in ${job.chunks.length} chunks` +
          `${planned ? '' : ` (${left} left)`}; ${job.entry.name} v${job.entry.version}, ${queue ? `queued on ${queue}, ${workers} at a time` : `${workers} workers`}, output in ${job.spec.output}`,
      );
    },
    onProgress: (p) => progress.update(p),
    ...(queue ? { runner: async (job, onEvent) => (await import('../queue/queue-runner')).QueueRunner.open(job, queue, onEvent) } : {}),
    ...(chunkLog ? { log: async (job, index) => void (await chunkLog.logChunk(job, index)) } : {}),
  });
  progress.end();
  const { counts, status, message } = outcome.job;
  io.out(`${JSON.stringify({ status, ...(message ? { message } : {}), output: spec.output, ...counts })}\n`);
  if (outcome.status === 'interrupted') {
    io.err(`batch: ${outcome.message ?? 'interrupted'}`);
    return 130;
  }
  if (outcome.status === 'failed') {
    io.err(`batch: ${outcome.message ?? 'failed'}`);
    return 1;
  }
  io.err(`batch: done: ${counts.successful} predictions, ${counts.failed} errors`);
  return 0;
}
