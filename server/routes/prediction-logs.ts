/**
 * The edge's sampled predictions: `POST /v1/logs/predictions`. Each record is
 * checked on its own against the manifest (model, version, labels, lengths);
 * bad ones are named and refused, the rest logged, idempotently on (key,
 * model, version, source), so the PWA's outbox may replay them. Rate limited
 * per client.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ServiceError } from '../../src/core/api/errors';
import { EdgeLogRequest, EdgeLogResponse, EdgeRecord, RejectedRecord } from '../../src/core/api/evaluation';
import type { RouteOptions } from '../context';
import type { Evaluation } from '../evaluation/evaluation';
import { featuresOf } from '../evaluation/layout';
import { quantizeInput } from '../../src/core/preprocess/input-bytes';
import type { PredictionRow } from '../evaluation/log/records';
import { ERROR_RESPONSES } from '../http/schemas';
import { quoteValue } from '../serving/inference/json';
import { evaluationOf, limitPerClient, stored } from './evaluation-shared';

type Rejected = z.infer<typeof RejectedRecord>;
/** Clock skew allowed for a record's time. */
const FUTURE_SLACK_MS = 5 * 60_000;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return `${path || 'record'}: ${issue.message}`;
}

/** The row of a valid record, or what is wrong with it. */
function toRow(evaluation: Evaluation, raw: unknown, now: number): PredictionRow | string {
  const parsed = EdgeRecord.safeParse(raw);
  if (!parsed.success) return describeIssue(parsed.error.issues[0] as z.core.$ZodIssue);
  const r = parsed.data;
  const entry = evaluation.layouts.entry(r.model, r.version);
  if (!entry) {
    return evaluation.layouts.entry(r.model)
      ? `version: ${quoteValue(r.version)} is not a version of ${r.model} in the model manifest`
      : `model: ${quoteValue(r.model)} is not in the model manifest`;
  }
  const labelIndex = entry.labels.indexOf(r.label);
  if (labelIndex < 0) return `label: ${quoteValue(r.label)} is not a label of ${r.model} (${entry.labels.join(', ')})`;
  if (r.probabilities.length !== entry.labels.length) return `probabilities: ${r.probabilities.length} values; ${r.model} has ${entry.labels.length} labels`;
  const inputSize = (entry.inputs[0]?.shape ?? []).slice(1).reduce((a, b) => a * b, 1);
  if (r.pixels && r.pixels.length !== inputSize) return `pixels: ${r.pixels.length} values; ${r.model} takes ${inputSize}`;
  const time = Date.parse(r.time);
  if (time > now + FUTURE_SLACK_MS) return `time: ${r.time} is in the future`;
  const layout = evaluation.layouts.of(r.model, r.version);
  return {
    key: r.key,
    model: r.model,
    version: r.version,
    source: 'edge',
    signature: 'serving_default',
    time,
    labelIndex,
    probabilities: r.probabilities,
    input: r.pixels && evaluation.settings.log.logInputs ? quantizeInput(r.pixels) : undefined,
    features: r.pixels && layout ? featuresOf(layout, r.pixels) : undefined,
    requestId: undefined,
    latencyMs: undefined,
    gateFired: r.gate_fired,
    answeredBy: r.answered_by,
  };
}

export const predictionLogRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  await limitPerClient(app, context.config.evaluation.rateLimitPerMinute);
  app.post(
    '/v1/logs/predictions',
    {
      schema: {
        tags: ['Continued evaluation'],
        summary: "The edge model's sampled predictions",
        description: 'Each record is checked on its own; refused ones are listed with what is wrong, the rest logged. Replays are not doubled.',
        body: EdgeLogRequest,
        response: { 200: EdgeLogResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const evaluation = evaluationOf(context);
      const now = Date.now();
      const rows: PredictionRow[] = [];
      const rejected: Rejected[] = [];
      request.body.records.forEach((raw, index) => {
        const row = toRow(evaluation, raw, now);
        if (typeof row !== 'string') return void rows.push(row);
        const key = (raw as { key?: unknown } | null)?.key;
        rejected.push({ index, ...(typeof key === 'string' ? { key: key.slice(0, 256) } : {}), code: 'INVALID_REQUEST', error: row });
      });
      if (rows.length === 0) {
        const first = rejected.slice(0, 3).map((r) => `records[${r.index}]: ${r.error}`);
        throw new ServiceError('INVALID_REQUEST', `no record is valid: ${first.join('; ')}${rejected.length > 3 ? '; …' : ''}`);
      }
      const { inserted, duplicates } = await stored(request.log, () => evaluation.ingestPredictions(rows));
      return { accepted: inserted, duplicates, rejected };
    },
  );
};
