/**
 * Request ids: a client's `X-Request-Id` is kept when it is a plausible id
 * (short, printable, no spaces), so a trace can cross services; otherwise a
 * new one is made. Fastify binds it to the request's logger, so it is in
 * every log line of that request, and the response carries it back.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && VALID_ID.test(given) ? given : randomUUID();
}
