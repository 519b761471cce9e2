/**
 * The Redis client of one API server when REDIS_URL is set: the per-client
 * rate limits of every replica are counted there. Loaded only then: ioredis,
 * once loaded, makes string scanning several times slower in the whole
 * process (its VerbatimString subclasses String), and the server parses every
 * request's JSON; without REDIS_URL (or BATCH_QUEUE_URL) it is never imported.
 *
 * Redis failing must not stop serving: commands fail fast (no queue while
 * disconnected, a short deadline while connected), the rate limit then lets
 * the request through (skipOnError), and the client reconnects on its own.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

/** The root instance's decorator holding the client (null without REDIS_URL). */
export const SHARED_REDIS = 'sharedRedis';

/** A rate-limit check waits this long for Redis at most, then the request goes on unlimited. */
const COMMAND_TIMEOUT_MS = 500;
/** How long the start waits for the first connection before serving without it. */
const FIRST_CONNECT_MS = 3_000;

export async function openSharedRedis(url: string, log: FastifyBaseLogger): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    // A command is never held for a reconnection: while Redis is away, a check fails at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    // Reconnects forever, at most every 2 s (ioredis's default strategy).
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    connectionName: 'api-rate-limit',
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error }, 'redis: unavailable; rate limits are not enforced until it is back');
  });
  client.on('ready', () => {
    if (down) log.info('redis: connected again; rate limits are enforced');
    down = false;
  });
  // Without the offline queue, checks made before the first connection would go unlimited: wait for it a moment.
  const waiting = new AbortController();
  await Promise.race([once(client, 'ready', { signal: waiting.signal }), sleep(FIRST_CONNECT_MS, undefined, { signal: waiting.signal })]).catch(
    () => undefined,
  );
  waiting.abort();
  return client;
}

/** The client, shared by every plugin of the server (null without REDIS_URL). */
export function sharedRedis(app: FastifyInstance): Redis | null {
  return app.hasDecorator(SHARED_REDIS) ? app.getDecorator<Redis | null>(SHARED_REDIS) : null;
}

/** Closes the client: QUIT when connected, else at once. */
export async function closeSharedRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
