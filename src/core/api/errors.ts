/**
 * The error catalog: every error the APIs answer with, by stable code, with
 * its HTTP status. The server throws `ServiceError`s from domain code and
 * turns them into `{"error": "<message>", "code": "<CODE>"}` in one place
 * (server/http/error-handler.ts); clients read the code, never the message.
 */
import { z } from 'zod';

interface CatalogEntry {
  readonly status: number;
  /** What the code means, for the API documentation. */
  readonly meaning: string;
}

export const ERROR_CATALOG = {
  INVALID_JSON: { status: 400, meaning: 'The body is not valid JSON, or is empty.' },
  INVALID_REQUEST: { status: 400, meaning: 'A field is missing, unknown, of the wrong type or out of range; the message names it.' },
  INVALID_IMAGE: { status: 400, meaning: 'An image is not base64, not a PNG, too large, or holds no drawing.' },
  TOO_MANY_INSTANCES: { status: 400, meaning: 'More instances in one request than the signature allows.' },
  UNSUPPORTED_SIGNATURE: { status: 400, meaning: "The model's inputs do not support the signature asked for." },
  MODEL_LOAD_FAILED: { status: 400, meaning: 'A model version could not be read, verified or loaded; nothing changed.' },
  UNAUTHORIZED: { status: 401, meaning: 'The admin token is missing or wrong.' },
  ADMIN_DISABLED: { status: 403, meaning: 'The admin API is off: the server has no ADMIN_TOKEN.' },
  FORBIDDEN: { status: 403, meaning: 'The path is not one the server serves files from.' },
  NOT_FOUND: { status: 404, meaning: 'No such route or file.' },
  REQUEST_TIMEOUT: { status: 408, meaning: 'The request did not arrive in time.' },
  PRECONDITION_FAILED: { status: 412, meaning: "A file's precondition (If-Match, If-Unmodified-Since) does not hold." },
  MODEL_NOT_FOUND: { status: 404, meaning: 'No model of that name is served (or listed, for admin loads).' },
  VERSION_NOT_FOUND: { status: 404, meaning: 'The model has no such version.' },
  JOB_NOT_FOUND: { status: 404, meaning: 'No batch job has that id.' },
  JOB_FINISHED: { status: 409, meaning: 'The batch job has already finished; there is nothing to cancel.' },
  NO_CHALLENGER: { status: 409, meaning: 'A promotion names no version and the model has no challenger to promote.' },
  ALREADY_CHAMPION: { status: 409, meaning: 'The version to promote is already the champion.' },
  NOTHING_TO_ROLL_BACK: { status: 409, meaning: 'The model has no previous champion to roll back to.' },
  DEPLOYMENT_CHANGED: {
    status: 409,
    meaning: "The model's deployment changed on another server while the change was written, twice; nothing was written: read it again and retry.",
  },
  RETRAIN_RUNNING: { status: 409, meaning: 'A retraining of the model is already running; one runs at a time per model.' },
  BODY_TOO_LARGE: { status: 413, meaning: 'The body is larger than BODY_LIMIT_BYTES.' },
  URL_TOO_LONG: { status: 414, meaning: 'The URL or one of its path parameters is too long.' },
  HEADERS_TOO_LARGE: { status: 431, meaning: 'The request line or headers are larger than the server reads.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The body is not application/json.' },
  RANGE_NOT_SATISFIABLE: { status: 416, meaning: 'The requested byte range is outside the file.' },
  QUEUE_FULL: { status: 429, meaning: "The model's bounded queue is full; retry after Retry-After seconds." },
  RATE_LIMITED: { status: 429, meaning: 'Too many requests from this client to a rate-limited route; retry after Retry-After seconds.' },
  EXPLAIN_BUSY: { status: 429, meaning: 'Too many explain requests in progress; retry after Retry-After seconds.' },
  DEADLINE_EXCEEDED: { status: 503, meaning: 'No model capacity within the request deadline.' },
  SHUTTING_DOWN: { status: 503, meaning: 'The server or the model is shutting down.' },
  MODEL_UNAVAILABLE: { status: 503, meaning: "The model's inference thread stopped and is restarting; retry shortly." },
  EVALUATION_DISABLED: { status: 503, meaning: 'Continued evaluation is off on this server (EVALUATION=off).' },
  BATCH_UNAVAILABLE: {
    status: 503,
    meaning: 'Batch jobs cannot run on this server now: its BATCH_DIR is in use by another server process, or cannot be written.',
  },
  STORE_UNAVAILABLE: { status: 503, meaning: 'The evaluation store did not answer: a write kept nothing, or a read found nothing to give; retry.' },
  BATCH_OWNER_UNAVAILABLE: {
    status: 503,
    meaning: 'The replica that took the batch job, which holds its output, cannot be reached now; retry once it is back.',
  },
  INTERNAL: { status: 500, meaning: 'An unexpected failure; the server logged it.' },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]];

/** Every error answer of every route. */
export const ErrorBody = z
  .object({
    error: z.string().describe('What is wrong, naming the field or setting to change.'),
    code: z.enum(ERROR_CODES).describe('Stable machine-readable code; see the error catalog.'),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * Reads an error answer leniently: its message, and its code when the code is
 * one this catalog knows (a proxy, an older or a newer server may send others).
 */
export function readErrorBody(body: unknown): { message: string; code: ErrorCode | undefined } | undefined {
  const parsed = z.object({ error: z.string(), code: z.string().optional() }).safeParse(body);
  if (!parsed.success) return undefined;
  const code = parsed.data.code;
  return { message: parsed.data.error, code: code !== undefined && Object.hasOwn(ERROR_CATALOG, code) ? (code as ErrorCode) : undefined };
}

/** An error of the serving system with a stable code; its HTTP status comes from the catalog. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For 429s: when to come back. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
}

/** Whether sending the same request again may succeed (overload, deadline, shutdown, failure). */
export function isRetryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
