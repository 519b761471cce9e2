/**
 * The app's client of the cloud API (the keyed :predict route). Every call
 * carries a fresh key, which comes back with the answer, and a timeout.
 */
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

/** Client errors other than timeouts and rate limits mean the request itself was refused. */
const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 429;

export function freshKey(): string {
  return crypto.randomUUID();
}

export async function predictInCloud(model: string, pixels: Float32Array, options: { timeoutMs: number; key?: string }): Promise<CloudAnswer> {
  const key = options.key ?? freshKey();
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`/v1/models/${encodeURIComponent(model)}:predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [{ key, pixels: Array.from(pixels) }] }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof DOMException && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'network error';
    throw new CloudError(`cloud unreachable: ${reason}`, true, { cause: error });
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: string;
    model?: string;
    model_version?: string;
    predictions?: { key: string; label: string; probabilities: number[] }[];
  };
  if (!response.ok) throw new CloudError(`cloud answered ${response.status}: ${body.error ?? 'no message'}`, retryableStatus(response.status));
  const prediction = body.predictions?.find((p) => p.key === key);
  if (!prediction) throw new CloudError('cloud answer carries no prediction for our key', true);
  return {
    key,
    label: prediction.label,
    probabilities: prediction.probabilities,
    model: body.model ?? model,
    modelVersion: body.model_version ?? '',
    latencyMs: performance.now() - started,
  };
}
