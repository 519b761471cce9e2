/**
 * What the evaluation routes share: the evaluation (or a 503 when it is off),
 * store failures turned into a retryable 503 that acknowledges nothing, and
 * a per-client rate limit for the routes anyone may call.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { ServiceError } from '../../src/core/api/errors';
import type { ServerContext } from '../context';
import type { Evaluation } from '../evaluation/evaluation';
import { sharedRedis } from '../http/shared-redis';

export function evaluationOf(context: ServerContext): Evaluation {
  if (!context.evaluation) throw new ServiceError('EVALUATION_DISABLED', 'continued evaluation is off on this server (EVALUATION=off)');
  return context.evaluation;
}

/** Runs a store call; a failure of the store becomes 503 STORE_UNAVAILABLE (the data was not committed). */
export async function stored<T>(log: FastifyBaseLogger, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    log.warn({ err: error }, 'evaluation store call failed');
    throw new ServiceError('STORE_UNAVAILABLE', 'the evaluation store is unavailable; nothing was kept, retry shortly', 1, { cause: error });
  }
}

/**
 * Limits each client (by address: request.ip, the X-Forwarded-For client
 * with TRUST_PROXY) to `perMinute` requests to each of this plugin's routes.
 * With REDIS_URL the counts are in Redis, so the limit holds across every
 * replica; when Redis fails, requests go on unlimited (serving matters more
 * than the limit) and the failure is logged by the client.
 */
export async function limitPerClient(app: FastifyInstance, perMinute: number): Promise<void> {
  const redis = sharedRedis(app);
  // Each route counts apart (as in memory, where each plugin has a store of its own): a route's
  // own rateLimit config gives it a child store, whose Redis keys carry its method and URL.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, rateLimit: route.config?.rateLimit ?? {} };
  });
  await app.register(fastifyRateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    ...(redis ? { redis, nameSpace: 'rate-limit:', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) =>
      new ServiceError(
        'RATE_LIMITED',
        `too many requests from this client: at most ${context.max} a minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
        Math.max(1, Math.ceil(context.ttl / 1000)),
      ),
  });
}
