/**
 * A batch request for a job another replica holds (its output, its
 * cancellation) is forwarded to that replica, and its answer streamed back as
 * it comes: behind a balancer, a client never needs to know which replica
 * took its job.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../../src/core/api/errors';
import { REQUEST_ID_HEADER } from '../http/request-id';

/** Set on a forwarded request, so the replica asked answers it itself or not at all (never forwards it on). */
export const FORWARDED_HEADER = 'x-batch-forwarded-by';
/** How long the owner has to start answering. */
const ANSWER_WITHIN_MS = 10_000;
/** What the owner's answer says of itself, passed on; the rest is hop-by-hop or the owner's own. */
const PASSED_HEADERS = ['content-type', 'retry-after'];

export const isForwarded = (request: FastifyRequest) => request.headers[FORWARDED_HEADER] !== undefined;

/** Sends `request` (its method, path and token) to the replica at `owner`, and its answer to the client. */
export async function forwardToOwner(request: FastifyRequest, reply: FastifyReply, owner: string, id: string, self: string): Promise<FastifyReply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  // The client gone, the owner stops sending too.
  reply.raw.once('close', () => controller.abort());
  let answer: Response;
  try {
    answer = await fetch(new URL(request.url, owner), {
      method: request.method,
      headers: {
        [FORWARDED_HEADER]: self,
        // The same id in both replicas' logs.
        [REQUEST_ID_HEADER]: request.id,
        ...(request.headers.authorization === undefined ? {} : { authorization: request.headers.authorization }),
      },
      signal: controller.signal,
    });
  } catch (error) {
    const why = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new ServiceError(
      'BATCH_OWNER_UNAVAILABLE',
      `batch job ${id} is held by the replica at ${owner}, which cannot be reached (${why}); retry once it is back`,
      5,
      {
        cause: error,
      },
    );
  } finally {
    clearTimeout(timer);
  }
  reply.code(answer.status);
  for (const name of PASSED_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) reply.header(name, value);
  }
  const body = answer.body ? Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream) : '';
  return reply.send(body as unknown as string);
}
