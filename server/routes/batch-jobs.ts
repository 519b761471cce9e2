/**
 * Batch jobs through the API (token-protected): create one from a file under
 * BATCH_DIR or from a multipart upload (streamed to disk, never held in
 * memory), follow its state, stream its predictions and errors as JSONL,
 * list jobs, cancel one. The jobs themselves run in server/batch/service.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BatchJobCreated, BatchJobList, BatchJobListQuery, BatchJobOptions, BatchJobRequest, BatchJobStatus } from '../../src/core/api/batch';
import { ServiceError } from '../../src/core/api/errors';
import type { BatchJobs, JobInput } from '../batch/service/batch-jobs';
import { UPLOAD_NAME } from '../batch/service/job-records';
import type { RouteOptions } from '../context';
import { authorize } from '../http/auth';
import { ERROR_RESPONSES, handParsed } from '../http/schemas';
import { forwardToOwner, isForwarded } from './batch-forward';

const tags = ['Batch'];
const security = [{ adminToken: [] }];
const JobParams = z.object({ id: z.string().min(1).max(64) });
/** Form fields of an upload at most (the options), and their size. */
const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 4096;

const problems = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

function parsed<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ServiceError('INVALID_REQUEST', `invalid request: ${problems(result.error)}`);
  return result.data;
}

const tooLarge = (limitBytes: number) => new ServiceError('BODY_TOO_LARGE', `the uploaded file is larger than BATCH_UPLOAD_LIMIT_BYTES (${limitBytes} bytes)`);

/** @fastify/multipart's errors, in the catalog's terms. */
function uploadError(error: FastifyError, limitBytes: number): ServiceError | undefined {
  switch (error.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(limitBytes);
    case 'FST_FILES_LIMIT':
      return new ServiceError('INVALID_REQUEST', 'upload one file (the "input" part), not several');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new ServiceError('INVALID_REQUEST', `too many form fields; a job takes at most ${MAX_FIELDS}`);
    case 'FST_PROTO_VIOLATION':
    case 'FST_MP_PREMATURE_CLOSE':
      return new ServiceError('INVALID_REQUEST', `the multipart body is not valid: ${error.message}`);
    default:
      return undefined;
  }
}

export const batchJobRoutes: FastifyPluginAsyncZod<RouteOptions & { readonly jobs: BatchJobs }> = async (app, { context, jobs }) => {
  const limitBytes = context.config.batch.uploadLimitBytes;
  /** Forwards a request for a job another replica holds; undefined when this server holds it (and answers). */
  const forwarded = async (request: FastifyRequest, reply: FastifyReply, id: string): Promise<FastifyReply | undefined> => {
    const owner = await jobs.ownerOf(id, isForwarded(request));
    return owner === undefined ? undefined : forwardToOwner(request, reply, owner, id, context.config.replicaUrl);
  };
  /**
   * A job naming no version runs on the model's champion, as online requests
   * naming none do, not on the newest version (which may be a challenger not
   * promoted yet). A model this server does not serve is left to the job's
   * own resolution (the manifest's newest version).
   */
  const withChampion = <T extends { model: string; version?: string | undefined }>(options: T): T =>
    options.version !== undefined || !context.registry.has(options.model) ? options : { ...options, version: context.deployments.get(options.model).champion };
  // The token is checked before the body is read: an upload without it is refused before any byte is stored.
  app.addHook('onRequest', async (request) => authorize(request, context.config.adminToken));
  await app.register(fastifyMultipart, {
    limits: { fileSize: limitBytes, files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FIELDS + 1 },
  });

  /** Streams the "input" part to the job's folder; the form fields are the options. */
  async function fromUpload(request: FastifyRequest): Promise<{ id: string; status: z.output<typeof BatchJobStatus> }> {
    const { id, folder } = await jobs.newFolder();
    try {
      const fields: Record<string, string> = {};
      let input: JobInput | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'input' || input) {
          part.file.resume();
          throw new ServiceError('INVALID_REQUEST', `upload the file as the one part named "input" (got a file part named ${JSON.stringify(part.fieldname)})`);
        }
        const format = jobs.checkFormat(part.filename, 'input');
        const path = join(folder, `${UPLOAD_NAME}.${format}`);
        await pipeline(part.file, createWriteStream(path));
        if (part.file.truncated) throw tooLarge(limitBytes);
        input = { path, shown: part.filename };
      }
      if (!input) throw new ServiceError('INVALID_REQUEST', 'input: a multipart request must carry the file as a part named "input"');
      return { id, status: await jobs.create(withChampion(parsed(BatchJobOptions.strict(), fields)), input, id) };
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw (error as FastifyError).code ? (uploadError(error as FastifyError, limitBytes) ?? error) : error;
    }
  }

  app.post(
    '/v1/batch-jobs',
    {
      schema: {
        tags,
        summary: 'Create a batch job over a file under BATCH_DIR, or over an uploaded file',
        description:
          'JSON names a .jsonl or .csv file under BATCH_DIR. A multipart/form-data upload sends the file as the part named "input" (its name ends in .jsonl or .csv) and the other fields as form fields. ' +
          'The job is queued and runs in the background at a lower priority than online requests; follow it at the Location returned.',
        security,
        body: handParsed(BatchJobRequest),
        response: { 202: BatchJobCreated, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      let id: string;
      if (request.isMultipart()) id = (await fromUpload(request)).id;
      else {
        const body = withChampion(parsed(BatchJobRequest, request.body));
        id = (await jobs.create(body, await jobs.resolveInput(body.input))).id;
      }
      return reply.code(202).header('location', `/v1/batch-jobs/${id}`).send({ id });
    },
  );

  app.get(
    '/v1/batch-jobs',
    {
      schema: {
        tags,
        summary: 'The batch jobs of every replica sharing the store, newest first, a page at a time',
        security,
        querystring: BatchJobListQuery,
        response: { 200: BatchJobList, ...ERROR_RESPONSES },
      },
    },
    async (request) => jobs.list(request.query),
  );

  app.get(
    '/v1/batch-jobs/:id',
    {
      schema: {
        tags,
        summary: "A batch job's state and counts",
        description: 'While it runs, the counts include rows of chunks not committed yet.',
        security,
        params: JobParams,
        response: { 200: BatchJobStatus, ...ERROR_RESPONSES },
      },
    },
    async (request) => jobs.get(request.params.id),
  );

  app.delete(
    '/v1/batch-jobs/:id',
    {
      schema: {
        tags,
        summary: 'Cancel a queued or running batch job',
        description: 'Chunks already committed stay; running chunks are given up. A finished job answers 409 JOB_FINISHED.',
        security,
        params: JobParams,
        response: { 200: BatchJobStatus, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => (await forwarded(request, reply, request.params.id)) ?? jobs.cancel(request.params.id),
  );

  for (const kind of ['predictions', 'errors'] as const) {
    app.get(
      `/v1/batch-jobs/:id/${kind}`,
      {
        schema: {
          tags,
          summary: kind === 'predictions' ? "A batch job's predictions, as JSONL" : "A batch job's refused rows, as JSONL",
          description:
            (kind === 'predictions'
              ? 'One {"key", "label", "probabilities" (or "logits"), "model", "model_version"} per line'
              : 'One {"line", "key"?, "error": {"code", "message"}} per line') +
            ', chunk by chunk in input order; while the job runs, the chunks committed so far.',
          security,
          params: JobParams,
          produces: ['application/x-ndjson'],
          response: { 200: z.string().describe('One JSON object per line.'), ...ERROR_RESPONSES },
        },
      },
      async (request, reply) => {
        const elsewhere = await forwarded(request, reply, request.params.id);
        if (elsewhere) return elsewhere;
        const files = await jobs.files(request.params.id, kind);
        reply.type('application/x-ndjson');
        const lines = Readable.from(
          (async function* () {
            for (const file of files) yield* createReadStream(file);
          })(),
        );
        // The documented text, streamed: Fastify pipes a stream as it is, past the schema's serializer.
        return reply.send(lines as unknown as string);
      },
    );
  }
};
