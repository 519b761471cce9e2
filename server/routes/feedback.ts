/**
 * Ground truth by key: `POST /v1/feedback`. Labels are checked against the
 * model pack's labels and answered only once committed; anyone may call it,
 * so it is rate limited per client.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ServiceError } from '../../src/core/api/errors';
import { FeedbackRequest, FeedbackResponse } from '../../src/core/api/evaluation';
import type { RouteOptions } from '../context';
import { ERROR_RESPONSES } from '../http/schemas';
import { quoteValue } from '../serving/inference/json';
import { evaluationOf, limitPerClient, stored } from './evaluation-shared';

export const feedbackRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  await limitPerClient(app, context.config.evaluation.rateLimitPerMinute);
  app.post(
    '/v1/feedback',
    {
      schema: {
        tags: ['Continued evaluation'],
        summary: 'Ground truth for predictions, by key',
        description:
          'A later label for a key replaces the earlier one (both stay in the history); a key no log holds yet joins its prediction when it arrives.',
        body: FeedbackRequest,
        response: { 200: FeedbackResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const evaluation = evaluationOf(context);
      const known = evaluation.layouts.allLabels();
      const now = Date.now();
      const labels = request.body.labels.map((l, i) => {
        if (!known.has(l.label)) {
          throw new ServiceError('INVALID_REQUEST', `labels[${i}].label: ${quoteValue(l.label)} is not a label of the model pack (${[...known].join(', ')})`);
        }
        return { key: l.key, label: l.label, time: l.time === undefined ? now : Date.parse(l.time) };
      });
      return stored(request.log, () => evaluation.ingestLabels(labels));
    },
  );
};
