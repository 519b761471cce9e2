/**
 * The one place errors become HTTP answers. Domain code throws
 * `ServiceError`s (src/core/api/errors.ts) with stable codes; Fastify's own
 * client errors (bad JSON, body too large, wrong content type, long or bad
 * URLs, unknown routes) are mapped onto the same catalog. Every error answer
 * is `{"error": "<message>", "code": "<CODE>"}`.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { ERROR_CATALOG, ServiceError, type ErrorBody, type ErrorCode } from '../../src/core/api/errors';

const tooLongParameter = () => new ServiceError('URL_TOO_LONG', 'a path parameter of the URL is too long (model names and versions are short)');

/** Other client errors by status (static files: bad paths, ranges, preconditions); anything else is a 400. */
const GENERIC_CLIENT_ERRORS: Readonly<Record<number, ErrorCode>> = {
  400: 'INVALID_REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  412: 'PRECONDITION_FAILED',
  416: 'RANGE_NOT_SATISFIABLE',
};

/** Fastify's client errors, with messages that say what to change. */
const FRAMEWORK_ERRORS: Readonly<Record<string, { readonly code: ErrorCode; readonly message: (e: FastifyError, request: FastifyRequest) => string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: () => 'request body is larger than the server accepts (BODY_LIMIT_BYTES)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: (_e, request) => `unsupported content type ${request.headers['content-type'] ?? '(none)'}; send application/json`,
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: () => 'request body is empty; send a JSON object' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: (e) => `body is not valid JSON: ${e.message}` },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_REQUEST', message: () => 'content-length does not match the body' },
  FST_ERR_BAD_URL: { code: 'INVALID_REQUEST', message: (e) => `the URL is not valid: ${e.message}` },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URL_TOO_LONG', message: () => tooLongParameter().message },
};

function body(code: ErrorCode, message: string): ErrorBody {
  return { error: message, code };
}

function sendServiceError(reply: FastifyReply, error: ServiceError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  if (error.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
  return reply.code(error.status).send(body(error.code, error.message));
}

/** Maps anything thrown in a request onto the catalog; unexpected failures are logged and answered 500. */
function toServiceError(error: FastifyError | Error, request: FastifyRequest): ServiceError | undefined {
  if (error instanceof ServiceError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return new ServiceError('INVALID_REQUEST', `invalid request: ${error.message}`);
  const known = FRAMEWORK_ERRORS[fastifyError.code];
  if (known) return new ServiceError(known.code, known.message(fastifyError, request));
  const status = fastifyError.statusCode ?? 500;
  if (error instanceof SyntaxError && status === 400) return new ServiceError('INVALID_JSON', `body is not valid JSON: ${error.message}`);
  if (status >= 400 && status < 500) {
    return new ServiceError(GENERIC_CLIENT_ERRORS[status] ?? 'INVALID_REQUEST', `${error.message}: ${request.method} ${request.url.split('?')[0] ?? ''}`);
  }
  return undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const known = toServiceError(error, request);
    if (known) return sendServiceError(reply, known);
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(body('INTERNAL', 'internal server error'));
  });
  const maxParamLength = app.initialConfig.maxParamLength ?? 100;
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // The static files' catch-all route hides the router's own 414 for GETs: tell it here.
    if (path.split('/').some((segment) => segment.length > maxParamLength)) return sendServiceError(reply, tooLongParameter());
    return sendServiceError(reply, new ServiceError('NOT_FOUND', `no route ${request.method} ${path}`));
  });
}

/** Errors Fastify raises before routing (bad or overlong URLs): the same shape. */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, request: FastifyRequest, reply: FastifyReply) => {
  const known = toServiceError(error, request) ?? new ServiceError('INVALID_REQUEST', error.message);
  void sendServiceError(reply, known);
};

const PARSER_ERRORS: Readonly<Record<string, readonly [ErrorCode, string]>> = {
  HPE_HEADER_OVERFLOW: ['HEADERS_TOO_LARGE', 'the request line or headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'the request headers did not arrive in time'],
};

/** Requests Node's HTTP parser refuses (malformed, headers too large): answered in the same shape, then the socket closes. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A client that hung up is owed nothing.
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const [code, message] = PARSER_ERRORS[error.code ?? ''] ?? (['INVALID_REQUEST', 'malformed HTTP request'] as const);
  const status = ERROR_CATALOG[code].status;
  const payload = JSON.stringify(body(code, message));
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close`;
  // Then close for good, as Node's own handler does: a half-closed socket would wait on a client that may never hang up.
  socket.write(`${head}\r\n\r\n${payload}`);
  socket.destroy();
}
