/**
 * Batch jobs inside the server (the batch layer of a lambda architecture):
 * jobs are created through the API, queued, and run one at a time by the
 * same coordinator as the batch command, on a local pool whose threads run at
 * the lowest priority (online requests come first), or on the BullMQ queue's
 * workers when BATCH_QUEUE_URL is set. Every change of state is written to
 * the job's record before it is acknowledged; a server that stops or dies
 * leaves its jobs on disk, and the next one resumes the unfinished ones from
 * their committed chunks.
 *
 * BATCH_DIR is taken (locked) on first use, not at start: a server that never
 * runs a batch job leaves no trace in it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { FINISHED_STATES, type BatchJobOptions, type BatchJobStatus } from '../../../src/core/api/batch';
import { ServiceError } from '../../../src/core/api/errors';
import type { z } from 'zod';
import { lockDirectory, StoreLockedError } from '../../db/dir-lock';
import { DEFAULT_QUEUED_CHUNKS } from '../cli/usage';
import { runJob, type Progress } from '../coordinator';
import { predictionsFile, errorsFile, type BatchJob } from '../job/spec';
import { resolveModel } from '../job/prepare';
import type { ChunkLog } from '../log/chunk-log';
import { formatOf, InputError } from '../plan';
import { LocalPool } from '../pool/pool';
import type { PoolEvent } from '../pool/pool-api';
import { JOBS_DIR, loadRecords, makeJobFolder, outputFolder, saveRecord, wireStatus, type JobRecord } from './job-records';
import { mergedPage, newestFirst, type JobPosition, type SharedJobs } from './shared-jobs';

export interface BatchJobsSettings {
  /** BATCH_DIR: inputs named by path live under it, and the jobs' folders. */
  readonly dir: string;
  /** Pool threads for a job (or, with a queue, chunks queued at a time). */
  readonly workers: number;
  readonly queueUrl: string | undefined;
  readonly registry: string;
}

type Options = z.output<typeof BatchJobOptions>;
/** The file a job reads, and how the client named it. */
export interface JobInput {
  readonly path: string;
  readonly shown: string;
}

const now = () => new Date().toISOString();
/** How long a new job waits for the shared table before it is acknowledged, at most. */
const CREATE_PUBLISH_WAIT_MS = 2000;
/** How long a stopping server goes on writing statuses to the shared table, at most. */
const CLOSE_PUBLISH_GRACE_MS = 2000;
/** How often a running job's counts are written to the shared table, at most. */
const PUBLISH_PROGRESS_MS = 1000;

/**
 * The queue's runner, loaded only when a job runs on it: ioredis, once loaded, makes string scanning
 * several times slower in the whole process (its VerbatimString subclasses String), and the server
 * parses every request's JSON.
 */
const openQueue = async (job: BatchJob, url: string, onEvent: (event: PoolEvent) => void) =>
  (await import('../queue/queue-runner')).QueueRunner.open(job, url, onEvent);
const invalid = (message: string) => new ServiceError('INVALID_REQUEST', message);
const notFound = (id: string) => new ServiceError('JOB_NOT_FOUND', `no batch job has the id ${JSON.stringify(id)}`);

interface RunningJob {
  readonly id: string;
  readonly controller: AbortController;
  progress?: Progress;
  done: Promise<void>;
}

export class BatchJobs {
  private readonly records = new Map<string, JobRecord>();
  private running: RunningJob | undefined;
  private root: string | undefined;
  private release: (() => void) | undefined;
  private opening: Promise<string> | undefined;
  private closed = false;

  constructor(
    private readonly settings: BatchJobsSettings,
    private readonly logger: FastifyBaseLogger,
    /** The evaluation store's log for jobs with `log`; undefined when evaluation is off. */
    private readonly chunkLog: ChunkLog | undefined,
    /** The store's table of every replica's jobs; undefined when evaluation is off (this server's jobs only). */
    private readonly shared?: SharedJobs,
  ) {}

  /** Resumes the jobs a previous server left unfinished, if BATCH_DIR holds any. */
  async start(): Promise<void> {
    if (!(await this.hasJobs())) return;
    // The server serves without its batch jobs rather than not at all; the batch routes say why.
    await this.folder().catch((error: unknown) => this.logger.warn({ err: error }, 'batch: the unfinished jobs cannot resume'));
  }

  /** Whether BATCH_DIR holds any job (without taking it). */
  private async hasJobs(): Promise<boolean> {
    return (await readdir(join(this.settings.dir, JOBS_DIR)).catch(() => [])).length > 0;
  }

  /** BATCH_DIR, locked and loaded; made on first use. */
  private folder(): Promise<string> {
    this.opening ??= (async () => {
      let root: string;
      try {
        await mkdir(this.settings.dir, { recursive: true });
        root = await realpath(this.settings.dir);
        this.release = await lockDirectory(root);
      } catch (error) {
        // Not kept: a later request tries again (the other server may have stopped).
        this.opening = undefined;
        const why = error instanceof StoreLockedError ? `is in use by another server (process ${error.pid})` : `cannot be used (${(error as Error).message})`;
        throw new ServiceError('BATCH_UNAVAILABLE', `BATCH_DIR ${resolve(this.settings.dir)} ${why}; give each server a BATCH_DIR of its own`, 5, {
          cause: error,
        });
      }
      for (const record of await loadRecords(root, (folder, error) => this.logger.error({ err: error, folder }, 'batch: an unreadable job record, skipped'))) {
        // A job that was running when the server stopped waits its turn again and resumes from its files.
        if (record.state === 'running') record.state = 'queued';
        this.records.set(record.id, record);
      }
      this.root = root;
      // Jobs whose last write did not reach the shared table (or that predate it) are reported by every replica again.
      for (const record of this.records.values()) void this.publish(record);
      this.pump();
      return root;
    })();
    return this.opening;
  }

  /** The file an input path names: under BATCH_DIR (after links), a .jsonl or .csv file. */
  async resolveInput(input: string): Promise<JobInput> {
    const root = await this.folder();
    const path = resolve(root, input);
    const real = await realpath(path).catch(() => {
      throw invalid(`input: ${JSON.stringify(input)} is not a file under BATCH_DIR`);
    });
    if (!real.startsWith(root + sep)) throw invalid(`input: ${JSON.stringify(input)} is outside BATCH_DIR; name a file under it`);
    if (!(await stat(real)).isFile()) throw invalid(`input: ${JSON.stringify(input)} is not a file`);
    this.checkFormat(real, 'input');
    return { path: real, shown: relative(root, real) };
  }

  /** A new job's id and folder, for an upload to be written into before the job is created. */
  async newFolder(): Promise<{ id: string; folder: string }> {
    const root = await this.folder();
    const id = randomUUID();
    return { id, folder: await makeJobFolder(root, id) };
  }

  /** Checks an upload's file name: its extension decides the format. */
  checkFormat(name: string, field: string): string {
    try {
      return formatOf(name);
    } catch {
      throw invalid(`${field}: ${JSON.stringify(name)} must be a .jsonl (or .ndjson) or a .csv file`);
    }
  }

  /** Records a new job, queued; its model and version are resolved now, so a wrong one is refused at once. */
  async create(options: Options, input: JobInput, id: string = randomUUID()): Promise<BatchJobStatus> {
    if (this.closed) throw new ServiceError('SHUTTING_DOWN', 'the server is shutting down; create the job again on the next one');
    if (options.log && !this.chunkLog)
      throw new ServiceError('EVALUATION_DISABLED', 'log: continued evaluation is off on this server (EVALUATION=off), so there is no prediction log');
    const root = await this.folder();
    const entry = await resolveModel(this.settings.registry, options.model, options.version);
    const record: JobRecord = {
      id,
      state: 'queued',
      created: now(),
      started: null,
      finished: null,
      model: entry.name,
      model_version: entry.version,
      signature: options.signature,
      input: input.shown,
      input_path: input.path,
      ...(options.key_field === undefined ? {} : { key_field: options.key_field }),
      chunk_rows: options.chunk_rows,
      max_error_rate: options.max_error_rate,
      log: options.log,
    };
    await makeJobFolder(root, id);
    await saveRecord(root, record);
    this.records.set(id, record);
    // Reported by every replica before it is acknowledged, unless the store is slow: then a moment later.
    await Promise.race([this.publish(record), new Promise((resolve) => setTimeout(resolve, CREATE_PUBLISH_WAIT_MS).unref())]);
    this.pump();
    return this.statusOf(record);
  }

  /** A job of this server, or, from the shared table, of another replica. */
  async get(id: string): Promise<BatchJobStatus> {
    const record = await this.local(id);
    if (record) return this.statusOf(record);
    const other = await this.shared?.get(id);
    if (!other) throw notFound(id);
    return other.status;
  }

  /**
   * A page of every replica's jobs (this server's only without a shared store, or while the store is down),
   * newest first: `limit` jobs from after the job `before`, and the id to ask after for the next page.
   */
  async list(page: { readonly limit: number; readonly before?: string | undefined }): Promise<{ jobs: BatchJobStatus[]; next?: string }> {
    if (this.root !== undefined || (await this.hasJobs())) await this.openForReading();
    const after = page.before === undefined ? undefined : await this.positionOf(page.before);
    const mine = [...this.records.values()].map((record) => this.statusOf(record)).filter((status) => !after || newestFirst(after, status) < 0);
    const shared = !this.shared
      ? []
      : await this.shared.list(page.limit + 1, after).catch((error: unknown) => {
          // This server's jobs are still known: listed, with the others' missing until the store is back.
          this.logger.warn({ err: error }, "batch: the store is unavailable; listing this server's jobs only");
          return [];
        });
    return mergedPage(
      shared.map((row) => row.status),
      mine,
      page.limit,
    );
  }

  /** Where the job `id` stands in the list, for a page after it. */
  private async positionOf(id: string): Promise<JobPosition> {
    const record = this.records.get(id);
    const position = record ?? (await this.shared?.get(id))?.status;
    if (!position) throw invalid(`before: no batch job has the id ${JSON.stringify(id)}`);
    return { created: position.created, id: position.id };
  }

  /**
   * Where a job's output and cancellation are: undefined when this server holds the job, or the address of the
   * replica that does. A request another replica forwarded is answered here or not at all (`forwarded`).
   */
  async ownerOf(id: string, forwarded: boolean): Promise<string | undefined> {
    if (await this.local(id)) return undefined;
    const other = forwarded ? undefined : await this.shared?.get(id);
    if (!other) throw notFound(id);
    if (other.owner === this.shared?.self)
      throw new ServiceError('JOB_NOT_FOUND', `batch job ${id} was taken by this server, but its record is no longer in its BATCH_DIR`);
    return other.owner;
  }

  /** Cancels a queued or running job; the record says so before the pool winds down. */
  async cancel(id: string): Promise<BatchJobStatus> {
    const record = await this.find(id);
    if (FINISHED_STATES.includes(record.state))
      throw new ServiceError('JOB_FINISHED', `batch job ${id} has already ${record.state === 'cancelled' ? 'been cancelled' : record.state}`);
    Object.assign(record, { state: 'cancelled', message: 'cancelled by a client', finished: now() });
    await this.save(this.root as string, record);
    if (this.running?.id === id) this.running.controller.abort();
    return this.statusOf(record);
  }

  /** The committed chunk files of one kind, in order: the job's predictions or errors so far. */
  async files(id: string, kind: 'predictions' | 'errors'): Promise<string[]> {
    await this.find(id);
    const dir = outputFolder(this.root as string, id);
    const names = await readdir(dir).catch(() => []);
    const pattern = kind === 'predictions' ? /^predictions-(\d+)\.jsonl$/ : /^errors-(\d+)\.jsonl$/;
    const name = kind === 'predictions' ? predictionsFile : errorsFile;
    const indices = names.flatMap((n) => pattern.exec(n)?.slice(1, 2).map(Number) ?? []).sort((a, b) => a - b);
    // An errors file counts once its chunk committed (its predictions file is renamed last).
    const committed = new Set(names.filter((n) => /^predictions-\d+\.jsonl$/.test(n)));
    return indices.filter((i) => committed.has(predictionsFile(i))).map((i) => join(dir, name(i)));
  }

  /** Stops taking jobs, interrupts the running one (it resumes on the next start), and releases BATCH_DIR. */
  async close(): Promise<void> {
    this.closed = true;
    this.running?.controller.abort();
    await this.running?.done;
    await this.opening?.catch(() => undefined);
    await this.shared?.close(CLOSE_PUBLISH_GRACE_MS);
    this.release?.();
  }

  private async find(id: string): Promise<JobRecord> {
    const record = await this.local(id);
    if (!record) throw notFound(id);
    return record;
  }

  /** This server's job of that id; BATCH_DIR is not taken just to find that it holds none. */
  private async local(id: string): Promise<JobRecord | undefined> {
    if (this.root === undefined && (!this.shared || (await this.hasJobs())) && !(await this.openForReading())) return undefined;
    return this.records.get(id);
  }

  /**
   * Takes BATCH_DIR to read this server's jobs. With the shared table, a BATCH_DIR another process holds is
   * read past (false): the other replicas' jobs are still reported, and creating a job still says why not.
   */
  private async openForReading(): Promise<boolean> {
    try {
      await this.folder();
      return true;
    } catch (error) {
      if (!this.shared || !(error instanceof ServiceError) || error.code !== 'BATCH_UNAVAILABLE') throw error;
      this.logger.warn({ err: error }, "batch: this server's jobs cannot be read; reporting the other replicas' only");
      return false;
    }
  }

  /** Writes the record (the truth, before anything is acknowledged), then queues its status for the other replicas. */
  private async save(root: string, record: JobRecord): Promise<void> {
    await saveRecord(root, record);
    void this.publish(record);
  }

  /** Queues the job's status for the shared table, written in the background (retried until the store takes it). */
  private publish(record: JobRecord): Promise<void> {
    return this.shared?.publish(this.statusOf(record)) ?? Promise.resolve();
  }

  /** The record's status on the wire, with the running job's counts as they grow. */
  private statusOf(record: JobRecord): BatchJobStatus {
    return wireStatus(record, this.running?.id === record.id ? this.running.progress : undefined);
  }

  /** Starts the oldest queued job when none runs. */
  private pump(): void {
    if (this.running || this.closed || this.root === undefined) return;
    const next = [...this.records.values()].find((record) => record.state === 'queued');
    if (!next) return;
    const controller = new AbortController();
    const running: RunningJob = { id: next.id, controller, done: Promise.resolve() };
    this.running = running;
    running.done = this.run(next, this.root, running).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async run(record: JobRecord, root: string, running: { readonly controller: AbortController; progress?: Progress }): Promise<void> {
    const { settings, chunkLog } = this;
    let published = 0;
    try {
      Object.assign(record, { state: 'running', started: record.started ?? now() });
      await this.save(root, record);
      const outcome = await runJob(
        {
          model: record.model,
          version: record.model_version,
          input: record.input_path,
          output: outputFolder(root, record.id),
          signature: record.signature,
          chunkRows: record.chunk_rows,
          ...(record.key_field === undefined ? {} : { keyField: record.key_field }),
          registry: settings.registry,
        },
        {
          workers: settings.queueUrl ? DEFAULT_QUEUED_CHUNKS : settings.workers,
          maxErrorRate: record.max_error_rate,
          signal: running.controller.signal,
          onProgress: (progress) => {
            running.progress = progress;
            if (Date.now() - published < PUBLISH_PROGRESS_MS) return;
            published = Date.now();
            void this.publish(record);
          },
          runner: (job, onEvent) =>
            settings.queueUrl ? openQueue(job, settings.queueUrl, onEvent) : LocalPool.open(job, settings.workers, onEvent, { background: true }),
          ...(record.log && chunkLog ? { log: async (job, index) => void (await chunkLog.logChunk(job, index, record.id)) } : {}),
        },
      );
      const { rows, successful, failed } = outcome.job.counts;
      record.counts = { total: rows, successful, failed };
      // From here the status reports the committed counts: the progress counted rows of chunks given up.
      running.progress = undefined;
      // Interrupted: cancelled (the record says so already), or the server is stopping (it resumes on the next start).
      if (outcome.status === 'interrupted') {
        if (record.state === 'cancelled') await this.save(root, record);
        return;
      }
      Object.assign(record, { state: outcome.status, finished: now() });
      if (outcome.message !== undefined) record.message = outcome.message;
      await this.save(root, record);
    } catch (error) {
      running.progress = undefined;
      // Refused before any chunk ran: an empty or changed input, a model file that changed, a folder in use.
      const message = error instanceof InputError || error instanceof ServiceError ? error.message : `the job could not run: ${(error as Error).message}`;
      if (!(error instanceof InputError || error instanceof ServiceError)) this.logger.error({ err: error, job: record.id }, 'batch job failed');
      if (record.state !== 'cancelled') Object.assign(record, { state: 'failed', message, finished: now() });
      await this.save(root, record).catch((saveError: unknown) =>
        this.logger.error({ err: saveError, job: record.id }, 'batch: the job record could not be written'),
      );
    }
  }
}
