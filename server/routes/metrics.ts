/** Prometheus text at /metrics, and a count and duration of every answered request (a hook on the whole server). */
import fastifyPlugin from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteOptions } from '../context';
import { outcomeOf } from '../metrics/metrics';

const routes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { metrics, registry } = context;
  app.addHook('onResponse', async (request, reply) => {
    const params = request.params as { model?: unknown; target?: unknown } | undefined;
    // The keyed route carries the model as "<name>:predict" when no version is named.
    const named = typeof params?.model === 'string' ? params.model : typeof params?.target === 'string' ? params.target.split(':')[0] : '';
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      model: named && registry.has(named) ? named : '',
      outcome: outcomeOf(reply.statusCode),
    };
    metrics.requests.inc(labels);
    // From the request's arrival to the answer's last byte (onResponse runs once it is sent).
    metrics.requestSeconds.observe(labels, reply.elapsedTime / 1000);
  });
  app.get(
    '/metrics',
    { schema: { tags: ['Operations'], summary: 'Prometheus metrics', produces: ['text/plain'], response: { 200: z.string() } } },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.render(registry.all())),
  );
};

// Not encapsulated: the request counter and histogram must see every route.
export const metricsRoutes = fastifyPlugin(routes, { name: 'metrics' });
