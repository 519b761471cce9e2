/**
 * Promotion and rollback (admin): `POST /v1/models/{m}/promote` makes a
 * version (by default the challenger) the champion, of one model or of
 * several together in one transaction; `POST /v1/models/{m}/rollback`
 * returns a model to its previous champion. With continued evaluation on,
 * each model's audit entry (`promoted`, `rollback`) is written in the
 * transaction of the change, so both commit or neither does.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Deployment, PromoteRequest, PromoteResponse } from '../../src/core/api/deployment';
import { ServiceError } from '../../src/core/api/errors';
import type { RouteOptions } from '../context';
import { authorize } from '../http/auth';
import { OPTIONAL_BODY } from '../http/docs';
import { ERROR_RESPONSES } from '../http/schemas';
import { quoteValue } from '../serving/inference/json';
import { changeEntry, promotionEntries } from '../evaluation/audit/deployment-entries';

const ModelParams = z.object({ model: z.string().min(1).max(256) });
const tags = ['Deployments'];
const security = [{ adminToken: [] }];

export const promotionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { deployments } = context;
  // The token is checked before the body is read.
  const onRequest = async (request: Parameters<typeof authorize>[0]) => authorize(request, context.config.adminToken);

  /** The version to promote: the one named, else the model's challenger. */
  const versionFor = (field: string, model: string, version: string | undefined): string => {
    if (version !== undefined) return version;
    const { challenger, champion } = deployments.get(model);
    if (challenger === null)
      throw new ServiceError(
        'NO_CHALLENGER',
        `${field}: none given, and model ${quoteValue(model)} has no challenger to promote (its champion is ${quoteValue(champion)}); name a version`,
      );
    return challenger;
  };

  app.post(
    '/v1/models/:model/promote',
    {
      onRequest,
      // Promoting the challenger needs no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary: 'Make a version the champion (admin), alone or with other models in one transaction; recorded in the audit log as promoted',
        description:
          "Each model's version (default: its challenger) becomes its champion, alone: no challenger, mode none. The old champion becomes previous_champion, what a rollback returns to. " +
          'Every change is checked before any is made: one refused change changes no model. The body is optional: none means {}.',
        [OPTIONAL_BODY]: true,
        security,
        params: ModelParams,
        body: PromoteRequest,
        response: { 200: PromoteResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { model } = request.params;
      const together = request.body.together ?? [];
      const changes = [
        { model, version: versionFor('version', model, request.body.version) },
        ...together.map((t, i) => ({ model: t.model, version: versionFor(`together[${i}].version`, t.model, t.version) })),
      ];
      // The audit entries commit with the promotion, or none does.
      const alongside = promotionEntries(context.evaluation?.audit, (previous, current, others) => ({ previous, current, by: 'admin', together: others }));
      const results = await deployments.promote(changes, { alongside });
      request.log.info({ promotions: results.map((r) => ({ model: r.model, from: r.previous.champion, to: r.current.champion })) }, 'promoted');
      return { promotions: results.map((r) => r.current) };
    },
  );

  app.post(
    '/v1/models/:model/rollback',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Return a model to its previous champion (admin); recorded in the audit log as rollback',
        description:
          'The previous champion (still served) becomes the champion, alone: no challenger, mode none, and no previous champion. 409 NOTHING_TO_ROLL_BACK when there is none.',
        security,
        params: ModelParams,
        response: { 200: Deployment, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { model } = request.params;
      const alongside = changeEntry(context.evaluation?.audit, 'rollback', model, (previous, current) => ({
        from: previous.champion,
        to: current.champion,
        previous,
        current,
      }));
      const { previous, current } = await deployments.rollback(model, { alongside });
      request.log.info({ model, from: previous.champion, to: current.champion }, 'rolled back');
      return current;
    },
  );
};
