/** `GET /v1/app-config`: what the PWA needs to know of the server's settings (its edge log sampling). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppConfig } from '../../src/core/api/app-config';
import type { RouteOptions } from '../context';

export const appConfigRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.get(
    '/v1/app-config',
    {
      schema: {
        tags: ['Continued evaluation'],
        summary: "The server's settings the app follows",
        response: { 200: AppConfig },
      },
    },
    async (_request, reply) => {
      // Revalidated on each use: a change of setting reaches the apps at their next start.
      reply.header('cache-control', 'no-cache');
      return { edge_log_sample_rate: context.config.evaluation.edgeLogSampleRate };
    },
  );
};
