/**
 * The app's client of the cloud API (the keyed :predict route). Every call
 * carries a fresh key, which comes back with the answer, and a timeout. The
 * request and reply are the shared wire schemas (src/core/api), so a reply
 * that does not match them is an error here, not a surprise later.
 */
import { isRetryable, readErrorBody } from '../core/api/errors';
import { PredictResponse, type PredictRequest } from '../core/api/predict';

export interface CloudAnswer {
  readonly key: string;
  readonly label: string;
  readonly probabilities: number[];
  readonly model: string;
  readonly modelVersion: string;
  readonly latencyMs: number;
}

export class CloudError extends Error {
  override readonly name = 'CloudError';
  constructor(
    message: string,
    /** False when sending the same request again cannot help (the cloud refused it as bad). */
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function freshKey(): string {
  return crypto.randomUUID();
}

/** A JSON request body, POSTed. */
export const postJson = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * Fetches from the server and reads its JSON answer. Unreachable, timed out
 * or answered with an error, it throws a CloudError that says so and whether
 * trying again may help.
 */
export async function fetchJson(url: string, timeoutMs: number, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = error instanceof DOMException && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'network error';
    throw new CloudError(`cloud unreachable: ${reason}`, true, { cause: error });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = readErrorBody(body);
    const message = error ? `${error.message}${error.code ? ` (${error.code})` : ''}` : 'no message';
    throw new CloudError(`cloud answered ${response.status}: ${message}`, isRetryable(response.status));
  }
  return body;
}

export async function predictInCloud(model: string, pixels: Float32Array, options: { timeoutMs: number; key?: string }): Promise<CloudAnswer> {
  const key = options.key ?? freshKey();
  const started = performance.now();
  const request: PredictRequest = { instances: [{ key, pixels: Array.from(pixels) }] };
  const body = await fetchJson(`/v1/models/${encodeURIComponent(model)}:predict`, options.timeoutMs, postJson(request));
  const reply = PredictResponse.safeParse(body);
  if (!reply.success) throw new CloudError(`cloud answer is not a :predict reply: ${reply.error.issues[0]?.message ?? 'unreadable'}`, true);
  const prediction = reply.data.predictions.find((p) => p.key === key);
  if (!prediction?.probabilities) throw new CloudError('cloud answer carries no probabilities for our key', true);
  return {
    key,
    label: prediction.label,
    probabilities: prediction.probabilities,
    model: reply.data.model,
    modelVersion: reply.data.model_version,
    latencyMs: performance.now() - started,
  };
}
