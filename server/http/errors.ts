import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * The errors the API answers with. Every one is `{"error": "<message>"}`, the
 * Open Inference Protocol's shape; the message names what is wrong.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const unauthorized = (message: string) => new ApiError(401, message, { 'www-authenticate': 'Bearer' });
export const forbidden = (message: string) => new ApiError(403, message);
export const notFound = (message: string) => new ApiError(404, message);
/** The bounded queue is full: come back shortly. */
export const overloaded = (message: string, retryAfterSeconds = 1) =>
  new ApiError(429, message, { 'retry-after': String(retryAfterSeconds) });
export const unavailable = (message: string) => new ApiError(503, message);

/** Fastify's own client errors, with messages that say what to change. */
const FRAMEWORK_MESSAGES: Readonly<Record<string, (e: FastifyError) => string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'request body is larger than the server accepts (BODY_LIMIT_BYTES)',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => `unsupported content type: ${e.message.replace(/^Unsupported Media Type:?\s*/i, '') || 'send application/json'}; send application/json`,
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'request body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'content-length does not match the body',
};

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).headers(error.headers).send({ error: error.message });
    }
    const status = error.statusCode ?? 500;
    if (error.validation) {
      return reply.code(400).send({ error: `invalid request: ${error.message}` });
    }
    if (status >= 400 && status < 500) {
      const explain = FRAMEWORK_MESSAGES[error.code];
      const message = explain ? explain(error) : error instanceof SyntaxError ? `body is not valid JSON: ${error.message}` : error.message;
      return reply.code(status).send({ error: message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(status >= 500 ? status : 500).send({ error: 'internal server error' });
  });
}
