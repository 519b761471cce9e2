import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { outcomeOf } from '../metrics/metrics';

/** Prometheus text at /metrics, and a count of every answered request. */
export function registerMetrics(app: FastifyInstance, context: ServerContext): void {
  const { metrics, repository } = context;
  app.addHook('onResponse', async (request, reply) => {
    const params = request.params as { model?: unknown; target?: unknown } | undefined;
    // The keyed route carries the model as "<name>:predict" when no version is named.
    const named = typeof params?.model === 'string' ? params.model : typeof params?.target === 'string' ? params.target.split(':')[0] : '';
    metrics.requests.inc({
      route: request.routeOptions.url ?? 'unmatched',
      model: named && repository.has(named) ? named : '',
      outcome: outcomeOf(reply.statusCode),
    });
  });
  app.get('/metrics', async (_request, reply) => {
    for (const model of repository.all()) {
      metrics.queueDepth.set({ model: model.entry.name, version: model.entry.version }, model.batcher.depth);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
