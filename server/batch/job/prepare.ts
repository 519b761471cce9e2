/**
 * Opens a job's output folder: takes its lock (one coordinator per folder),
 * resolves the model version from the manifest, and either plans the job
 * (first run) or takes the plan already there (a rerun, which resumes). A
 * folder holding another job's output, an input changed since it was
 * planned, or a model file changed under the same version are refused with a
 * message that says what differs.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ServiceError } from '../../../src/core/api/errors';
import type { ModelEntry } from '../../../src/core/manifest';
import { lockDirectory, StoreLockedError } from '../../db/dir-lock';
import { ModelRegistry } from '../../serving/registry';
import { InputError } from '../input/csv-layout';
import { inputStats, plan } from '../plan';
import { writeAtomic } from './atomic';
import { identityOf, newJobFile, readJobFile, writeJobFile, type JobFile } from './job-file';
import { PLAN_FILE, type BatchJob, type JobSpec } from './spec';

export interface PreparedJob {
  readonly job: BatchJob;
  readonly state: JobFile;
  /** Whether the plan was made by this run (false: resumed). */
  readonly planned: boolean;
  /** Releases the folder's lock. */
  readonly release: () => void;
}

const NO_BATCHING = { enabled: false, maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueRows: 1 } as const;
const byVersion = (a: string, b: string) => Number(a) - Number(b) || a.localeCompare(b);

/** The manifest entry of `name` at `version`, or at its newest version. */
export async function resolveModel(registry: string, name: string, version?: string): Promise<ModelEntry> {
  // The registry reads and validates the manifest; no model is loaded here.
  const settings = { modelRegistry: registry, intraOpThreads: 1, intraOpSpinning: false, batching: { ...NO_BATCHING }, modelBatching: {} };
  const manifest = await new ModelRegistry(settings).readManifest();
  const versions = manifest.models.filter((m) => m.name === name).sort((a, b) => byVersion(a.version, b.version));
  if (versions.length === 0) {
    throw new ServiceError('MODEL_NOT_FOUND', `unknown model "${name}"; the manifest lists: ${[...new Set(manifest.models.map((m) => m.name))].join(', ')}`);
  }
  const entry = version === undefined ? versions.at(-1) : versions.find((m) => m.version === version);
  if (!entry)
    throw new ServiceError('VERSION_NOT_FOUND', `model "${name}" has no version "${version}"; versions: ${versions.map((m) => m.version).join(', ')}`);
  return entry;
}

async function lock(dir: string): Promise<() => void> {
  try {
    return await lockDirectory(dir);
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error;
    throw new InputError(`${dir}: another batch process (pid ${error.pid}) is writing to this output folder; wait for it or stop it`);
  }
}

function differences(mine: Record<string, unknown>, theirs: Record<string, unknown>): string[] {
  return Object.keys(mine).flatMap((field) =>
    JSON.stringify(mine[field]) === JSON.stringify(theirs[field]) ? [] : [`${field} ${JSON.stringify(theirs[field])} (now ${JSON.stringify(mine[field])})`],
  );
}

/** Checks that the folder's job is this one, with its input and model unchanged. */
async function resumable(dir: string, spec: JobSpec, entry: ModelEntry, state: JobFile): Promise<BatchJob> {
  const asked = identityOf({
    model: entry.name,
    model_version: entry.version,
    signature: spec.signature,
    input: { path: resolve(spec.input), format: '', bytes: 0 },
    key_field: state.key_field,
    chunk_rows: spec.chunkRows,
  });
  const changed = differences(asked, identityOf(state));
  const job = JSON.parse(await readFile(join(dir, PLAN_FILE), 'utf8').catch(() => 'null')) as BatchJob | null;
  if (job && (job.spec.keyField ?? null) !== (spec.keyField ?? null))
    changed.push(`key field ${JSON.stringify(job.spec.keyField ?? 'key')} (now ${JSON.stringify(spec.keyField ?? 'key')})`);
  if (changed.length > 0) {
    throw new InputError(
      `${dir} holds the output of another job: ${changed.join(', ')}. Rerun with the same model, version, input and flags to resume it, or choose another --output`,
    );
  }
  if (!job) throw new InputError(`${dir}: ${PLAN_FILE} is missing, so the job cannot be resumed; choose another --output`);
  const now = await inputStats(job.input.path);
  if (now.bytes !== job.input.bytes || now.mtimeMs !== job.input.mtimeMs) {
    throw new InputError(`${job.input.path} changed since the job in ${dir} was planned; its output would mix two inputs. Choose another --output`);
  }
  if (job.entry.sha256 !== entry.sha256)
    throw new InputError(`${entry.name} v${entry.version} is another model file than when the job in ${dir} started; choose another --output`);
  return { ...job, spec: { ...job.spec, output: spec.output, registry: spec.registry } };
}

export async function prepareJob(spec: JobSpec): Promise<PreparedJob> {
  const entry = await resolveModel(spec.registry, spec.model, spec.version);
  const dir = resolve(spec.output);
  await mkdir(dir, { recursive: true });
  const release = await lock(dir);
  try {
    const previous = await readJobFile(dir);
    if (previous) {
      const job = await resumable(dir, { ...spec, output: dir }, entry, previous);
      return { job, state: previous, planned: false, release };
    }
    const strays = (await readdir(dir)).filter((name) => /^(predictions|errors)-\d+\.jsonl$/.test(name));
    if (strays.length > 0) throw new InputError(`${dir} holds chunk files (${strays[0]}, …) but no job.json; choose another --output`);
    const started = performance.now();
    const job = await plan({ ...spec, output: dir }, entry);
    const state = newJobFile(job, performance.now() - started);
    // The plan first: a job.json always has its plan next to it.
    await writeAtomic(join(dir, PLAN_FILE), JSON.stringify(job));
    await writeJobFile(dir, state);
    return { job, state, planned: true, release };
  } catch (error) {
    release();
    throw error;
  }
}
