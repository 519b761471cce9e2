/** Sends fuzz cases to an in-process server and lists every answer that is not a short, coded 4xx naming the problem. */
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOG, type ErrorCode } from '../../src/core/api/errors';
import type { FuzzCase } from './fuzz-cases';

/** Messages quote at most a short excerpt of what was sent. */
export const MAX_MESSAGE_LENGTH = 300;

export async function fuzzFailures(app: FastifyInstance, cases: readonly FuzzCase[]): Promise<string[]> {
  const failures: string[] = [];
  for (const c of cases) {
    const response = await app.inject({ method: 'POST', url: c.url, payload: c.payload, headers: c.contentType ? { 'content-type': c.contentType } : {} });
    const body = (() => {
      try {
        return response.json<{ error?: unknown; code?: unknown }>();
      } catch {
        return {};
      }
    })();
    const code = typeof body.code === 'string' && body.code in ERROR_CATALOG ? (body.code as ErrorCode) : undefined;
    const ok =
      response.statusCode >= 400 &&
      response.statusCode < 500 &&
      typeof body.error === 'string' &&
      body.error.length <= MAX_MESSAGE_LENGTH &&
      c.mentions.test(body.error) &&
      code !== undefined &&
      ERROR_CATALOG[code].status === response.statusCode;
    if (!ok) failures.push(`${c.name}: ${response.statusCode} (${response.body.length} bytes) ${response.body.slice(0, 160)}`);
  }
  return failures;
}
