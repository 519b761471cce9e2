/**
 * Monitoring (admin token): per model, windows of accuracy, estimated
 * accuracy, confidence, gate rate, labels and drift; the confusion matrix;
 * the two-phase cascade view; and a flush of the prediction log.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ServiceError } from '../../src/core/api/errors';
import { CascadeResponse, ConfusionResponse, FlushResponse, WindowsQuery, WindowsResponse } from '../../src/core/api/evaluation';
import type { RouteOptions } from '../context';
import { WINDOW_SIZES, type WindowSize } from '../evaluation/windows/windows';
import { authorize } from '../http/auth';
import { ERROR_RESPONSES } from '../http/schemas';
import { quoteValue } from '../serving/inference/json';
import { evaluationOf, stored } from './evaluation-shared';

const tags = ['Monitoring'];
const security = [{ adminToken: [] }];
const DAY_MS = 86_400_000;
/** Windows per answer at most. */
const MAX_WINDOWS = 10_000;
const ModelParams = z.object({ model: z.string().min(1).max(256) });
const RangeQuery = WindowsQuery.omit({ window: true });
const CascadeQuery = z
  .object({
    from: WindowsQuery.shape.from,
    to: WindowsQuery.shape.to,
    edge_model: z.string().min(1).optional(),
    cloud_model: z.string().min(1).optional(),
    window: WindowsQuery.shape.window.unwrap().optional().describe('Also the rates window by window (`series`).'),
  })
  .strict();

function range(query: { from?: string | undefined; to?: string | undefined }): { from: Date; to: Date } {
  const to = query.to === undefined ? new Date() : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - DAY_MS) : new Date(query.from);
  if (from.getTime() >= to.getTime()) throw new ServiceError('INVALID_REQUEST', `from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  return { from, to };
}

/** INVALID_REQUEST when the range holds more windows than one answer gives. */
function checkWindowCount(from: Date, to: Date, window: WindowSize): void {
  const count = Math.ceil((to.getTime() - from.getTime()) / WINDOW_SIZES[window]);
  if (count > MAX_WINDOWS)
    throw new ServiceError('INVALID_REQUEST', `${count} windows of ${window} in the range; at most ${MAX_WINDOWS}: widen the window or narrow the range`);
}

export const monitoringRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  app.addHook('onRequest', async (request) => authorize(request, context.config.adminToken));
  const modelEntry = (name: string) => {
    const entry = evaluationOf(context).layouts.entry(name);
    if (!entry) throw new ServiceError('MODEL_NOT_FOUND', `no model ${quoteValue(name)} in the model manifest`);
    return entry;
  };

  app.get(
    '/v1/monitoring/models/:model/windows',
    {
      schema: {
        tags,
        security,
        summary: 'Windows of one model: accuracy, estimated accuracy, drift',
        params: ModelParams,
        querystring: WindowsQuery,
        response: { 200: WindowsResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { model } = request.params;
      modelEntry(model);
      const { from, to } = range(request.query);
      checkWindowCount(from, to, request.query.window);
      const q = { model, from, to, window: request.query.window, version: request.query.version, source: request.query.source };
      return { model, windows: await stored(request.log, () => evaluationOf(context).windows(q)) };
    },
  );

  app.get(
    '/v1/monitoring/models/:model/confusion',
    {
      schema: {
        tags,
        security,
        summary: 'Confusion matrix over labelled predictions',
        params: ModelParams,
        querystring: RangeQuery,
        response: { 200: ConfusionResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { model } = request.params;
      const entry = modelEntry(model);
      const labels =
        request.query.version === undefined ? entry.labels : (evaluationOf(context).layouts.entry(model, request.query.version)?.labels ?? entry.labels);
      const q = { model, ...range(request.query), version: request.query.version, source: request.query.source };
      return stored(request.log, () => evaluationOf(context).confusion(q, labels));
    },
  );

  app.get(
    '/v1/monitoring/cascade',
    {
      schema: {
        tags,
        security,
        summary: 'The two phases on the same keys: escalation, revisions, accuracy of each',
        querystring: CascadeQuery,
        response: { 200: CascadeResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const layouts = evaluationOf(context).layouts;
      const byRole = (role: string) => layouts.all().find((e) => e.role === role)?.name;
      const edgeModel = request.query.edge_model ?? byRole('edge');
      const cloudModel = request.query.cloud_model ?? byRole('cloud');
      if (!edgeModel || !cloudModel) throw new ServiceError('INVALID_REQUEST', 'name edge_model and cloud_model: the manifest has no model of that role');
      modelEntry(edgeModel);
      modelEntry(cloudModel);
      const { from, to } = range(request.query);
      const { window } = request.query;
      if (window !== undefined) checkWindowCount(from, to, window);
      const windowMs = window === undefined ? undefined : WINDOW_SIZES[window];
      return stored(request.log, () => evaluationOf(context).cascade({ edgeModel, cloudModel, from, to, windowMs }));
    },
  );

  app.post(
    '/v1/monitoring/flush',
    {
      schema: {
        tags,
        security,
        summary: 'Write every prediction the log holds now; answers once they are committed',
        response: { 200: FlushResponse, ...ERROR_RESPONSES },
      },
    },
    async () => {
      const log = evaluationOf(context).log;
      const [written, dropped] = [log.writtenRows, log.droppedRows];
      await log.flush();
      if (log.droppedRows > dropped)
        throw new ServiceError('STORE_UNAVAILABLE', `the store did not take ${log.droppedRows - dropped} logged predictions; they were dropped and counted`);
      return { written: log.writtenRows - written };
    },
  );
};
