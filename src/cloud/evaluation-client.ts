/**
 * The app's client of continued evaluation: the server's settings for the app
 * (`GET /v1/app-config`), the user's labels (`POST /v1/feedback`) and the
 * sampled edge predictions (`POST /v1/logs/predictions`), checked against the
 * shared wire schemas. Failures are CloudErrors, retryable or not, as for
 * :predict.
 */
import { AppConfig } from '../core/api/app-config';
import { isRetryable, readErrorBody } from '../core/api/errors';
import { EdgeLogResponse, FeedbackResponse, type EdgeRecord, type FeedbackRequest } from '../core/api/evaluation';
import { CloudError } from './cloud-client';

const TIMEOUT_MS = 10_000;

async function call<T>(url: string, parse: (body: unknown) => T, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new CloudError(`server unreachable: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = readErrorBody(body);
    throw new CloudError(`server answered ${response.status}: ${error ? `${error.message} (${error.code})` : 'no message'}`, isRetryable(response.status));
  }
  try {
    return parse(body);
  } catch (error) {
    throw new CloudError(`unexpected answer from ${url}`, true, { cause: error });
  }
}

const postJson = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export function fetchAppConfig(): Promise<AppConfig> {
  return call('/v1/app-config', (body) => AppConfig.parse(body));
}

export function sendFeedback(labels: FeedbackRequest['labels']): Promise<FeedbackResponse> {
  return call('/v1/feedback', (body) => FeedbackResponse.parse(body), postJson({ labels }));
}

export function sendEdgeLogs(records: readonly EdgeRecord[]): Promise<EdgeLogResponse> {
  return call('/v1/logs/predictions', (body) => EdgeLogResponse.parse(body), postJson({ records }));
}
