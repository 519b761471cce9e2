/**
 * The app's client of continued evaluation: the server's settings for the app
 * (`GET /v1/app-config`), the user's labels (`POST /v1/feedback`) and the
 * sampled edge predictions (`POST /v1/logs/predictions`), checked against the
 * shared wire schemas. Failures are CloudErrors, retryable or not, as for
 * :predict.
 */
import { AppConfig } from '../core/api/app-config';
import { EdgeLogResponse, FeedbackResponse, type EdgeRecord, type FeedbackRequest } from '../core/api/evaluation';
import { CloudError, fetchJson, postJson } from './cloud-client';

const TIMEOUT_MS = 10_000;

/** Reads a JSON answer and checks it against its wire schema. */
async function call<T>(url: string, parse: (body: unknown) => T, init?: RequestInit): Promise<T> {
  const body = await fetchJson(url, TIMEOUT_MS, init);
  try {
    return parse(body);
  } catch (error) {
    throw new CloudError(`unexpected answer from ${url}`, true, { cause: error });
  }
}

export function fetchAppConfig(): Promise<AppConfig> {
  return call('/v1/app-config', (body) => AppConfig.parse(body));
}

export function sendFeedback(labels: FeedbackRequest['labels']): Promise<FeedbackResponse> {
  return call('/v1/feedback', (body) => FeedbackResponse.parse(body), postJson({ labels }));
}

export function sendEdgeLogs(records: readonly EdgeRecord[]): Promise<EdgeLogResponse> {
  return call('/v1/logs/predictions', (body) => EdgeLogResponse.parse(body), postJson({ records }));
}
