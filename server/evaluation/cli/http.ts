/**
 * Calls to the API server for --server: the admin token when there is one,
 * the server's {"error", "code"} turned into a message, and waiting as long
 * as the server asks (Retry-After) when it is busy (429) or its store is
 * briefly away (503): nothing was kept then, so the same request is sent
 * again, and labels are idempotent by key anyway.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Attempts of one request at most, when the server keeps answering 429 or 503 or cannot be reached. */
export const MAX_ATTEMPTS = 10;
/** A Retry-After longer than this is cut to it. */
const MAX_WAIT_MS = 300_000;
/** One request may take this long (10,000 labels commit in well under a second). */
const REQUEST_TIMEOUT_MS = 120_000;

export class ServerError extends Error {
  override readonly name = 'ServerError';
}

export interface HttpOptions {
  readonly token: string | undefined;
  /** Told when a request is retried, and why. */
  readonly notice: (text: string) => void;
  /** Waits (injectable so tests need not). */
  readonly wait?: (ms: number) => Promise<unknown>;
}

/** Retry-After as seconds or an HTTP date, in milliseconds; `fallback` when absent or unreadable. */
export function retryAfterMs(header: string | null, fallback: number, now = Date.now()): number {
  if (header === null) return fallback;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : Date.parse(header) - now;
  return Number.isFinite(seconds) ? Math.min(MAX_WAIT_MS, Math.max(0, seconds)) : fallback;
}

async function messageOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string') return `${body.error}${typeof body.code === 'string' ? ` (${body.code})` : ''}`;
  } catch {
    // Not the server's JSON error: show the start of whatever came.
  }
  return text.slice(0, 200) || response.statusText;
}

/** Sends a request, retrying 429, 503 and network failures; returns the parsed JSON of a 2xx answer. */
export async function requestJson(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, options: HttpOptions): Promise<unknown> {
  const wait = options.wait ?? sleep;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  for (let attempt = 1; ; attempt++) {
    const backoff = Math.min(30_000, 1000 * 2 ** (attempt - 1));
    let response: Response;
    try {
      response = await fetch(url, { method: init.method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      if (attempt >= MAX_ATTEMPTS) throw new ServerError(`${init.method} ${url} failed ${attempt} times: ${reason}`);
      options.notice(`${init.method} ${url} failed (${reason}); retrying in ${Math.round(backoff / 1000)} s`);
      await wait(backoff);
      continue;
    }
    if (response.ok) return response.json();
    const message = await messageOf(response);
    if ((response.status === 429 || response.status === 503) && attempt < MAX_ATTEMPTS) {
      const ms = retryAfterMs(response.headers.get('retry-after'), backoff);
      options.notice(`the server answered ${response.status} (${message}); retrying in ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);
      await wait(ms);
      continue;
    }
    throw new ServerError(`${init.method} ${url} answered ${response.status}: ${message}`);
  }
}
