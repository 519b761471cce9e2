/**
 * Posts a firing as JSON to the alert webhook (ALERT_WEBHOOK_URL). A receiver
 * that is down or slow must not lose the alert at its first hiccup, nor hold
 * up evaluation: a few attempts with exponential backoff, each bounded by a
 * timeout, and a result to log instead of an exception. The audit record is
 * already committed; the webhook is a notification of it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from '../../../src/core/api/errors';

export interface WebhookOptions {
  /** Attempts at most, the first included. */
  readonly attempts: number;
  /** Wait before the second attempt; doubled before each later one. */
  readonly backoffMs: number;
  /** Each attempt's limit, connection and answer included. */
  readonly timeoutMs: number;
}

/** Three attempts, 1 s then 2 s apart, 5 s each. */
export const WEBHOOK_DEFAULTS: WebhookOptions = { attempts: 3, backoffMs: 1000, timeoutMs: 5000 };

export type Delivery =
  { readonly delivered: true; readonly attempts: number } | { readonly delivered: false; readonly attempts: number; readonly error: string };

/** One POST; resolves to why it failed and whether another attempt may help, or undefined when delivered. */
async function attempt(url: string, body: string, timeoutMs: number, signal: AbortSignal): Promise<{ error: string; retry: boolean } | undefined> {
  // Held here until the attempt ends: AbortSignal.any holds its sources weakly, and a timeout
  // signal collected before it fires would leave a silent receiver's request waiting forever.
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.any([signal, timeout]),
    });
    // Read nothing of the answer, but release its connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return undefined;
    return { error: `the webhook answered ${response.status}`, retry: isRetryable(response.status) };
  } catch (error) {
    const timedOut = timeout.aborted && !signal.aborted;
    return { error: timedOut ? `no answer within ${timeoutMs} ms` : `the webhook is unreachable: ${(error as Error).message}`, retry: !signal.aborted };
  }
}

/** Posts `payload` as JSON; never throws. `signal` gives up at once (the server is stopping). */
export async function postToWebhook(url: string, payload: unknown, signal: AbortSignal, options: WebhookOptions = WEBHOOK_DEFAULTS): Promise<Delivery> {
  const body = JSON.stringify(payload);
  let failure = { error: 'not attempted', retry: false };
  for (let n = 1; n <= options.attempts; n++) {
    if (n > 1) {
      // Unref'd: a retry waiting never keeps the process alive.
      const waited = await sleep(options.backoffMs * 2 ** (n - 2), true, { signal, ref: false }).catch(() => false);
      if (!waited) return { delivered: false, attempts: n - 1, error: `${failure.error}; stopped before retrying` };
    }
    const failed = await attempt(url, body, options.timeoutMs, signal);
    if (!failed) return { delivered: true, attempts: n };
    failure = failed;
    if (!failed.retry) return { delivered: false, attempts: n, error: failed.error };
  }
  return { delivered: false, attempts: options.attempts, error: failure.error };
}
