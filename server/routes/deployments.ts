/**
 * Deployments: `GET /v1/models/{m}/deployment` says which version answers
 * the requests that name none and what its challenger does; `PUT` (admin)
 * changes it, checked against the versions served, and records the change
 * in the audit log (with continued evaluation on) in the same transaction.
 * Promotion and rollback (./promotion.ts) are registered with them.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Deployment, DeploymentRequest } from '../../src/core/api/deployment';
import type { RouteOptions } from '../context';
import { changeEntry } from '../evaluation/audit/deployment-entries';
import { authorize } from '../http/auth';
import { ERROR_RESPONSES } from '../http/schemas';
import { promotionRoutes } from './promotion';

const ModelParams = z.object({ model: z.string().min(1).max(256) });
const tags = ['Deployments'];

export const deploymentRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { deployments } = context;
  await app.register(promotionRoutes, { context });
  app.get(
    '/v1/models/:model/deployment',
    {
      schema: {
        tags,
        summary: "A model's deployment: its champion, and its challenger's mode and share",
        params: ModelParams,
        response: { 200: Deployment, ...ERROR_RESPONSES },
      },
    },
    async (request) => deployments.get(request.params.model),
  );

  app.put(
    '/v1/models/:model/deployment',
    {
      // The token is checked before the body is read.
      onRequest: async (request) => authorize(request, context.config.adminToken),
      schema: {
        tags,
        summary:
          "Change a model's deployment (admin): champion, challenger, mode none, shadow or ab, and the challenger's share of keys; recorded in the audit log as deployment_changed",
        security: [{ adminToken: [] }],
        params: ModelParams,
        body: DeploymentRequest,
        response: { 200: Deployment, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { model } = request.params;
      // The audit entry commits with the change, or neither does.
      const alongside = changeEntry(context.evaluation?.audit, 'deployment_changed', model, (previous, current) => ({ previous, current }));
      const { previous, current } = await deployments.change(model, request.body, { alongside });
      request.log.info({ model, previous, current }, 'deployment changed');
      return current;
    },
  );
};
