/** Model registry administration (token-protected): load new versions without a restart. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ModelLoadResponse } from '../../src/core/api/admin';
import { ServiceError } from '../../src/core/api/errors';
import type { RouteOptions } from '../context';
import { ERROR_RESPONSES } from '../http/schemas';

function authorize(request: FastifyRequest, token: string | undefined): void {
  if (!token) throw new ServiceError('ADMIN_DISABLED', 'the admin API is off; set ADMIN_TOKEN to turn it on');
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ServiceError('UNAUTHORIZED', 'missing or wrong admin token: send "Authorization: Bearer <ADMIN_TOKEN>"');
  }
}

export const adminRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.post(
    '/v2/repository/models/:model/load',
    {
      schema: {
        tags: ['Admin'],
        summary: 'Load the versions of a model that the manifest lists and the server lacks',
        security: [{ adminToken: [] }],
        params: z.object({ model: z.string().min(1) }),
        response: { 200: ModelLoadResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      authorize(request, context.config.adminToken);
      const name = request.params.model;
      try {
        const { loaded, serving } = await context.registry.load(name);
        request.log.info({ model: name, loaded, serving }, 'model versions loaded');
        return { model: name, loaded, serving };
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'MODEL_LOAD_FAILED') {
          const serving = context.registry.versions(name);
          throw new ServiceError(
            'MODEL_LOAD_FAILED',
            `load failed, nothing changed (still serving ${serving.length ? `versions ${serving.join(', ')}` : 'no version'}): ${error.message}`,
            undefined,
            { cause: error },
          );
        }
        throw error;
      }
    },
  );
};
