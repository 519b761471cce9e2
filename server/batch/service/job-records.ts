/**
 * Where the server keeps its batch jobs: one folder per job under
 * `BATCH_DIR/jobs/<id>/`, holding `batch-job.json` (what was asked, the
 * job's state and times), an uploaded input when there is one, and the job's
 * output folder (`output/`: the chunk files, job.json and plan.json of the
 * batch command). The record is written atomically at every change of state,
 * so a restarted server finds every job as it was and resumes the unfinished
 * ones from their files.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchJobState, BatchJobStatus } from '../../../src/core/api/batch';
import type { SignatureName } from '../../../src/core/api/predict';
import type { Progress } from '../coordinator';
import { writeAtomic } from '../job/atomic';

export const JOBS_DIR = 'jobs';
const RECORD_FILE = 'batch-job.json';
const OUTPUT_DIR = 'output';
/** An uploaded input, `input.jsonl` or `input.csv`, in the job's folder. */
export const UPLOAD_NAME = 'input';

export interface JobRecord {
  readonly id: string;
  state: BatchJobState;
  message?: string;
  readonly created: string;
  started: string | null;
  finished: string | null;
  readonly model: string;
  readonly model_version: string;
  readonly signature: Exclude<SignatureName, 'explain'>;
  /** As the client named it: a path under BATCH_DIR, or the uploaded file's name. */
  readonly input: string;
  /** The file the job reads (absolute). */
  readonly input_path: string;
  readonly key_field?: string;
  readonly chunk_rows: number;
  readonly max_error_rate: number;
  readonly log: boolean;
  /** Committed counts, as of the last change of state. */
  counts?: { total: number; successful: number; failed: number };
}

/** A record as the API shows it; `progress`, for the running job, gives its counts as they grow. */
export function wireStatus(record: JobRecord, progress: Progress | undefined): BatchJobStatus {
  const counts = progress ? { total: progress.rows, successful: progress.done - progress.failed, failed: progress.failed } : record.counts;
  return {
    id: record.id,
    state: record.state,
    model: record.model,
    model_version: record.model_version,
    signature: record.signature,
    input: record.input,
    log: record.log,
    ...(counts ? { total: counts.total } : {}),
    successful: counts?.successful ?? 0,
    failed: counts?.failed ?? 0,
    created: record.created,
    started: record.started,
    finished: record.finished,
    ...(record.message === undefined ? {} : { message: record.message }),
  };
}

export const jobFolder = (root: string, id: string) => join(root, JOBS_DIR, id);
export const outputFolder = (root: string, id: string) => join(jobFolder(root, id), OUTPUT_DIR);

export async function saveRecord(root: string, record: JobRecord): Promise<void> {
  await writeAtomic(join(jobFolder(root, record.id), RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Every job under `root`, oldest first. A folder without a record is an upload
 * the server died during, never acknowledged: it is removed. An unreadable
 * record is reported through `skip` and left alone.
 */
export async function loadRecords(root: string, skip: (folder: string, error: unknown) => void): Promise<JobRecord[]> {
  const dir = join(root, JOBS_DIR);
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const records: JobRecord[] = [];
  for (const name of names) {
    const folder = join(dir, name);
    let text: string;
    try {
      text = await readFile(join(folder, RECORD_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') await rm(folder, { recursive: true, force: true });
      else skip(folder, error);
      continue;
    }
    try {
      records.push(JSON.parse(text) as JobRecord);
    } catch (error) {
      skip(folder, error);
    }
  }
  return records.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
}

/** Makes the folder of a new job (and BATCH_DIR/jobs when missing). */
export async function makeJobFolder(root: string, id: string): Promise<string> {
  const folder = jobFolder(root, id);
  await mkdir(folder, { recursive: true });
  return folder;
}
