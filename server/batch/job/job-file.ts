/**
 * job.json: the state of a batch job in its output folder, for people and
 * for the coordinator that resumes it: the model and version, the input,
 * counts, each chunk's state and timings. Written atomically after every
 * chunk. It also says whose folder this is: a folder holding another job's
 * output (another model, version, input, signature, key field or chunk size)
 * is refused rather than mixed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from './atomic';
import { JOB_FILE, type BatchJob } from './spec';

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type ChunkState = 'pending' | 'running' | 'done';

export interface ChunkStatus {
  readonly index: number;
  readonly first_line: number;
  readonly last_line: number;
  readonly rows: number;
  state: ChunkState;
  successful?: number;
  failed?: number;
  /** Time to process the chunk (its last attempt). */
  ms?: number;
}

export interface JobFile {
  status: JobStatus;
  /** Why the job failed or stopped. */
  message?: string;
  readonly model: string;
  readonly model_version: string;
  readonly signature: string;
  readonly input: { readonly path: string; readonly format: string; readonly bytes: number };
  readonly key_field: string;
  readonly chunk_rows: number;
  counts: { rows: number; successful: number; failed: number; pending_rows: number };
  chunks: ChunkStatus[];
  timings: { started_at: string; updated_at: string; finished_at?: string; plan_ms: number; run_ms: number; rows_per_second: number };
}

/** The fields that make a job the same job: rerunning it resumes, anything else is refused. */
export function identityOf(job: Pick<JobFile, 'model' | 'model_version' | 'signature' | 'input' | 'key_field' | 'chunk_rows'>): Record<string, unknown> {
  return {
    model: job.model,
    version: job.model_version,
    input: job.input.path,
    signature: job.signature,
    'key field': job.key_field,
    'chunk rows': job.chunk_rows,
  };
}

export function newJobFile(job: BatchJob, planMs: number): JobFile {
  const now = new Date().toISOString();
  return {
    status: 'running',
    model: job.entry.name,
    model_version: job.entry.version,
    signature: job.spec.signature,
    input: { path: job.input.path, format: job.input.format, bytes: job.input.bytes },
    key_field: job.keyed ? job.keyField : '(line number)',
    chunk_rows: job.spec.chunkRows,
    counts: { rows: job.rows, successful: 0, failed: 0, pending_rows: job.rows },
    chunks: job.chunks.map((c) => ({ index: c.index, first_line: c.firstLine, last_line: c.lastLine, rows: c.rows, state: 'pending' })),
    timings: { started_at: now, updated_at: now, plan_ms: Math.round(planMs), run_ms: 0, rows_per_second: 0 },
  };
}

export async function readJobFile(dir: string): Promise<JobFile | undefined> {
  const path = join(dir, JOB_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as JobFile;
  } catch {
    throw new Error(`${path} is not JSON: this folder holds something other than a batch job's output; choose another --output`);
  }
}

/** Recomputes the counts from the chunks, stamps the time, and writes job.json atomically. */
export async function writeJobFile(dir: string, job: JobFile): Promise<void> {
  let successful = 0;
  let failed = 0;
  let pending = 0;
  for (const chunk of job.chunks) {
    if (chunk.state === 'done') {
      successful += chunk.successful ?? 0;
      failed += chunk.failed ?? 0;
    } else pending += chunk.rows;
  }
  job.counts = { rows: job.counts.rows, successful, failed, pending_rows: pending };
  job.timings.updated_at = new Date().toISOString();
  await writeAtomic(join(dir, JOB_FILE), `${JSON.stringify(job, null, 2)}\n`);
}
