/**
 * Wire shapes of batch jobs through the server (`/v1/batch-jobs`), and the
 * defaults the batch command line shares with them: what a job asks for, and
 * what its state looks like while it runs and after.
 */
import { z } from 'zod';

/** The signatures a batch job may use (explanations are too costly in bulk). */
export const BATCH_SIGNATURES = ['serving_default', 'logits'] as const;
export const DEFAULT_CHUNK_ROWS = 10_000;
export const DEFAULT_MAX_ERROR_RATE = 0.5;
export const BATCH_JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type BatchJobState = (typeof BATCH_JOB_STATES)[number];
/** States a job never leaves. */
export const FINISHED_STATES: readonly BatchJobState[] = ['succeeded', 'failed', 'cancelled'];

const Name = z.string().min(1).max(256);

/** The options of a job, as JSON fields or as multipart form fields (strings there, coerced). */
export const BatchJobOptions = z.object({
  model: Name.describe('A model of the registry.'),
  version: Name.optional().describe(
    "Default: the model's champion (its deployment's, as for online requests naming no version); for a model the server does not serve, the newest version the manifest lists.",
  ),
  signature: z.enum(BATCH_SIGNATURES).default('serving_default').describe('serving_default: probabilities; logits: raw scores.'),
  key_field: Name.optional().describe('The field (JSONL) or column (CSV) holding the keys; default key, and without one the line number.'),
  chunk_rows: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_CHUNK_ROWS).describe('Rows per chunk: the unit of commit and resumption.'),
  max_error_rate: z.coerce.number().min(0).max(1).default(DEFAULT_MAX_ERROR_RATE).describe('The job fails when more than this share of the rows done failed.'),
  log: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .default(false)
    .describe("Also write the predictions to the evaluation store's prediction log, with source batch."),
});

export const BatchJobRequest = BatchJobOptions.extend({
  input: z
    .string()
    .min(1)
    .max(4096)
    .describe('A .jsonl or .csv file, as a path relative to BATCH_DIR (it must stay inside it). A multipart upload sends the file instead.'),
})
  .strict()
  .meta({ id: 'BatchJobRequest' });
export type BatchJobRequest = z.infer<typeof BatchJobRequest>;

export const BatchJobCreated = z.object({ id: z.string() }).meta({ id: 'BatchJobCreated' });

export const BatchJobStatus = z
  .object({
    id: z.string(),
    state: z.enum(BATCH_JOB_STATES),
    model: z.string(),
    model_version: z.string(),
    signature: z.enum(BATCH_SIGNATURES),
    input: z.string().describe('The input file: its path under BATCH_DIR, or the uploaded file name.'),
    log: z.boolean(),
    total: z.number().int().optional().describe('Rows in the input, once the job has planned it.'),
    successful: z.number().int().describe('Rows predicted so far.'),
    failed: z.number().int().describe('Rows refused so far (see the errors).'),
    created: z.string(),
    started: z.string().nullable().describe('When the job first started running.'),
    finished: z.string().nullable(),
    message: z.string().optional().describe('Why the job failed or was cancelled.'),
  })
  .meta({ id: 'BatchJobStatus' });
export type BatchJobStatus = z.infer<typeof BatchJobStatus>;

/** Jobs in one page of the list, by default and at most. */
export const BATCH_LIST_DEFAULT = 100;
export const BATCH_LIST_MAX = 1000;

export const BatchJobListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(BATCH_LIST_MAX).default(BATCH_LIST_DEFAULT).describe('Jobs in this page, at most.'),
    before: z.string().min(1).max(64).optional().describe("The page after the job of this id: the previous page's `next`."),
  })
  .strict();

export const BatchJobList = z
  .object({
    jobs: z.array(BatchJobStatus).describe('Newest first.'),
    next: z.string().optional().describe('When more jobs follow: pass it as `before` for the next page.'),
  })
  .meta({ id: 'BatchJobList' });
