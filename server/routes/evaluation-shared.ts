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

/** Limits each client (by address) to `perMinute` requests to this plugin's routes. */
export async function limitPerClient(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(fastifyRateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new ServiceError(
        'RATE_LIMITED',
        `too many requests from this client: at most ${context.max} a minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
        Math.max(1, Math.ceil(context.ttl / 1000)),
      ),
  });
}
