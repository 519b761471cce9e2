/**
 * Alerts (admin token): the audit trail of rule firings, newest first, an
 * evaluation of the rules now, and the audit log of everything that happened
 * to the models (firings, retraining, promotions, deployments). Registered
 * with the server's scheduler, an evaluation asked for here queues behind a
 * scheduled one instead of racing it, and its firings are counted and posted
 * like scheduled ones; registered with the context alone, the plugin reads
 * the rules itself.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AlertsQuery, AlertsResponse, EvaluateResponse } from '../../src/core/api/alerts';
import { AuditQuery, AuditResponse } from '../../src/core/api/audit';
import type { RouteOptions } from '../context';
import { listAlerts } from '../evaluation/rules/alert-store';
import { AlertScheduler } from '../evaluation/rules/scheduler';
import { authorize } from '../http/auth';
import { ERROR_RESPONSES } from '../http/schemas';
import { evaluationOf, stored } from './evaluation-shared';

export interface AlertRouteOptions extends RouteOptions {
  /** The server's scheduler (undefined with EVALUATION=off). */
  readonly alerts?: AlertScheduler | undefined;
}

const tags = ['Monitoring'];
const security = [{ adminToken: [] }];

export const alertRoutes: FastifyPluginAsyncZod<AlertRouteOptions> = async (app, { context, alerts }) => {
  // Without a scheduler, rules are read (and checked) at registration all the same: a bad file fails the start.
  const scheduler = alerts ?? (context.evaluation ? await AlertScheduler.open(context.evaluation, app.log, context.metrics.evaluation.alerts()) : undefined);
  app.addHook('onRequest', async (request) => authorize(request, context.config.adminToken));

  app.get(
    '/v1/monitoring/alerts',
    {
      schema: {
        tags,
        security,
        summary: 'Rule firings with their evidence, newest first (at most 1000)',
        querystring: AlertsQuery,
        response: { 200: AlertsResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { since, model } = request.query;
      const evaluation = evaluationOf(context);
      return { alerts: await stored(request.log, () => listAlerts(evaluation.db, { since: since === undefined ? undefined : new Date(since), model })) };
    },
  );

  app.post(
    '/v1/monitoring/evaluate',
    {
      schema: {
        tags,
        security,
        summary: 'Evaluate the alert rules now, on the latest complete windows',
        description: 'Rules still in their cooldown do not fire again. Answers once the firings are committed to the audit trail.',
        response: { 200: EvaluateResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      evaluationOf(context);
      const runner = scheduler;
      if (!runner) throw new Error('alert routes: evaluation is on but no scheduler was made');
      return { fired: await stored(request.log, () => runner.evaluate()) };
    },
  );

  app.get(
    '/v1/monitoring/audit',
    {
      schema: {
        tags,
        security,
        summary: 'The audit log: alerts, retraining, evaluations, promotions, rejections, rollbacks, deployment changes; newest first (at most 1000)',
        querystring: AuditQuery,
        response: { 200: AuditResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { since, model } = request.query;
      const evaluation = evaluationOf(context);
      return { entries: await stored(request.log, () => evaluation.audit.since(since === undefined ? undefined : new Date(since), model)) };
    },
  );
};
