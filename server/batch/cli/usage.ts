/**
 * The batch command line's usage and flags. A mistake in the command line is
 * a UsageError (exit code 2, nothing done), as in the eval command line.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { BATCH_SIGNATURES, DEFAULT_CHUNK_ROWS, DEFAULT_MAX_ERROR_RATE } from '../../../src/core/api/batch';
import { MODEL_PACK_DIR } from '../../../src/core/manifest';
import { parsePositiveInt, UsageError } from '../../cli/args';
import type { JobSpec } from '../job/spec';

export { UsageError };

/** With --queue, chunks waiting on the queue at a time: enough to keep many workers busy. */
export const DEFAULT_QUEUED_CHUNKS = 64;

export const USAGE = `usage: npm run batch -- predict --model <name>[@<version>] --input <file> --output <dir> [options]
       npm run batch -- worker --queue <redis-url> [--concurrency <n>]

  Predicts every row of a JSONL or CSV file with a model of the registry, in chunks, on a pool
  of worker threads; rerunning the same command resumes a job that was stopped or killed.
  --input <file>           .jsonl: one {"key", "pixels"|"image", "ink"?} per line, as :predict takes;
                           .csv: a header row, a key column, and either an "image" column (PNG paths
                           relative to the file, "ink" optional) or the model's input columns
                           (pixels_0 … pixels_<n-1>, or every column besides the key)
  --output <dir>           predictions-NNNNN.jsonl, errors-NNNNN.jsonl and job.json go here
  --signature <s>          ${BATCH_SIGNATURES.join(' | ')} (default serving_default: probabilities)
  --workers <n>            pool threads, one model session each (default ${availableParallelism()}, the cores)
  --chunk-rows <n>         rows per chunk, the unit of commit and resumption (default ${DEFAULT_CHUNK_ROWS})
  --key-field <f>          the field or column holding the keys (default key; without one the line number)
  --max-error-rate <r>     stop when more than this share of the rows done failed (0..1, default ${DEFAULT_MAX_ERROR_RATE})
  --queue <redis-url>      run the chunks on batch workers through this Redis (BullMQ) instead of threads
                           here; --workers is then the chunks queued at a time (default ${DEFAULT_QUEUED_CHUNKS})
  --log                    also write the predictions to the evaluation store's prediction log (source
                           batch), chunk by chunk as they commit, to compare with served versions on
                           the same keys; the store is the server's (DATABASE_URL, else PGlite in
                           DATA_DIR, which a running server holds: then use DATABASE_URL). Rerunning
                           logs every complete chunk again, adding no row twice
  --help, -h               this text

  worker: takes chunks from the queue on this machine, which must see the jobs' input and output
  folders at the same paths (a shared directory); run as many as you like, anywhere.
  --queue <redis-url>      the Redis the coordinator queues on (redis://host:port)
  --concurrency <n>        chunks at a time (default 1); the model's session gets as many threads

environment: MODEL_REPOSITORY (default ${MODEL_PACK_DIR}); DATABASE_URL, DATA_DIR (default data), for --log; BATCH_QUEUE_LOCK_MS, for workers: how long a
dead worker's chunk stays locked before another takes it (default 30000)
exit codes: 0 done; 1 failed (a clear message says why); 2 bad command line; 130 interrupted (Ctrl-C)`;

export interface PredictCommand {
  readonly spec: JobSpec;
  readonly workers: number;
  readonly maxErrorRate: number;
  /** The Redis URL of the queue that runs the chunks; unset: the local pool. */
  readonly queue?: string;
  /** Whether to write the predictions to the evaluation store's prediction log. */
  readonly log: boolean;
}

export interface WorkerCommand {
  readonly queue: string;
  readonly concurrency: number;
}

const REDIS_URL = /^rediss?:\/\/\S+$/;

function parseQueue(url: string): string {
  if (!REDIS_URL.test(url)) throw new UsageError(`--queue: ${JSON.stringify(url)} is not a redis:// URL`);
  return url;
}

export function parseWorker(args: readonly string[]): WorkerCommand {
  const { values, positionals } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: { queue: { type: 'string' }, concurrency: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!values.queue) throw new UsageError('--queue is required');
  return {
    queue: parseQueue(values.queue),
    concurrency: values.concurrency === undefined ? 1 : parsePositiveInt('concurrency', values.concurrency),
  };
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!/^\d*\.?\d+$/.test(text) || rate > 1) throw new UsageError(`--max-error-rate: ${JSON.stringify(text)} is not a number from 0 to 1`);
  return rate;
}

export function parsePredict(args: readonly string[], env: Record<string, string | undefined>): PredictCommand {
  const { values, positionals } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
      signature: { type: 'string' },
      workers: { type: 'string' },
      'chunk-rows': { type: 'string' },
      'key-field': { type: 'string' },
      'max-error-rate': { type: 'string' },
      queue: { type: 'string' },
      log: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  for (const flag of ['model', 'input', 'output'] as const) if (!values[flag]) throw new UsageError(`--${flag} is required`);
  const [name = '', version, ...extra] = (values.model as string).split('@');
  if (name === '' || version === '' || extra.length > 0) throw new UsageError(`--model: ${JSON.stringify(values.model)} is not <name> or <name>@<version>`);
  const signature = values.signature ?? 'serving_default';
  if (!(BATCH_SIGNATURES as readonly string[]).includes(signature))
    throw new UsageError(`--signature: ${JSON.stringify(signature)} is not one of ${BATCH_SIGNATURES.join(', ')}`);
  const keyField = values['key-field'];
  if (keyField === '') throw new UsageError('--key-field must name a field');
  const spec: JobSpec = {
    model: name,
    ...(version === undefined ? {} : { version }),
    input: values.input as string,
    output: values.output as string,
    signature: signature as JobSpec['signature'],
    chunkRows: values['chunk-rows'] === undefined ? DEFAULT_CHUNK_ROWS : parsePositiveInt('chunk-rows', values['chunk-rows']),
    ...(keyField === undefined ? {} : { keyField }),
    registry: env['MODEL_REPOSITORY'] || MODEL_PACK_DIR,
  };
  const queue = values.queue === undefined ? undefined : parseQueue(values.queue);
  return {
    spec,
    workers: values.workers !== undefined ? parsePositiveInt('workers', values.workers) : queue ? DEFAULT_QUEUED_CHUNKS : availableParallelism(),
    ...(queue ? { queue } : {}),
    log: values.log === true,
    maxErrorRate: values['max-error-rate'] === undefined ? DEFAULT_MAX_ERROR_RATE : parseRate(values['max-error-rate']),
  };
}
