/**
 * Retraining (admin): `POST /v1/models/{m}/retrain` starts one (202, at most
 * one at a time per model) and `GET` lists the runs of every server sharing the store, with each
 * step's wall time and the gate's decision. The run itself (export, command,
 * challenger, gate, promotion) is RetrainRunner's; the audit log keeps it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ServiceError } from '../../src/core/api/errors';
import { RetrainRun, RetrainRuns } from '../../src/core/api/retrain';
import type { RouteOptions } from '../context';
import { authorize } from '../http/auth';
import { ERROR_RESPONSES } from '../http/schemas';

const ModelParams = z.object({ model: z.string().min(1).max(256) });
const tags = ['Deployments'];
const security = [{ adminToken: [] }];

export const retrainRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.addHook('onRequest', async (request) => authorize(request, context.config.adminToken));
  const runner = () => {
    if (!context.retrains)
      throw new ServiceError('EVALUATION_DISABLED', 'retraining needs the evaluation store, and continued evaluation is off on this server (EVALUATION=off)');
    return context.retrains;
  };

  app.post(
    '/v1/models/:model/retrain',
    {
      schema: {
        tags,
        security,
        summary: 'Retrain a model on its labelled feedback, judge the new version against the champion, and promote it if it is better (admin)',
        description:
          'Answers 202 once the retrain_started entry is in the audit log; the run goes on: export (the newest RETRAIN_FRESH_SHARE kept aside as the fresh test set), RETRAIN_COMMAND, the new version loaded as the challenger in shadow, batch jobs scoring both versions on the fresh set and the held-out split, the gate (PROMOTION_MARGIN, McNemar), then promotion or rejection. Follow it here or in the audit log.',
        params: ModelParams,
        response: { 202: RetrainRun, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const run = await runner().start(request.params.model, 'admin');
      request.log.info({ model: run.model, run: run.id }, 'retraining started');
      return reply.code(202).send(run);
    },
  );

  app.get(
    '/v1/models/:model/retrain',
    {
      schema: {
        tags,
        security,
        summary: "A model's retraining runs on every server sharing the store, newest first, with each step's wall time and the gate's decision",
        params: ModelParams,
        response: { 200: RetrainRuns, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { model } = request.params;
      context.registry.resolve(model);
      return { model, runs: await runner().list(model) };
    },
  );
};
