/**
 * Wire shapes of continued evaluation: ground truth (feedback), the edge's
 * sampled prediction logs, and the monitoring answers. Shared by the server,
 * the PWA and the operations dashboard.
 */
import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { InstanceKey } from './predict';

/** Labels per feedback request, and edge records per log request, at most. */
export const MAX_FEEDBACK_LABELS = 10_000;
export const MAX_LOG_RECORDS = 10_000;

const IsoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 time with a zone, e.g. 2026-11-29T12:00:00Z');

export const FeedbackLabel = z
  .object({
    key: InstanceKey,
    label: z.string().min(1).max(256).describe("One of the model pack's labels."),
    time: IsoTime.optional().describe('When the label became true; default: when it arrives.'),
  })
  .strict();
export const FeedbackRequest = z
  .object({ labels: z.array(FeedbackLabel).min(1).max(MAX_FEEDBACK_LABELS) })
  .strict()
  .meta({ id: 'FeedbackRequest' });
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;
export const FeedbackResponse = z
  .object({
    accepted: z.number().int().describe('Labels committed.'),
    pending: z.number().int().describe('Keys no logged prediction has yet: they join when one arrives.'),
  })
  .meta({ id: 'FeedbackResponse' });
export type FeedbackResponse = z.infer<typeof FeedbackResponse>;

export const EdgeRecord = z
  .object({
    key: InstanceKey,
    model: z.string().min(1).max(256),
    version: z.string().min(1).max(64),
    source: z.literal('edge'),
    time: IsoTime,
    label: z.string().min(1).max(256),
    probabilities: z.array(z.number().min(0).max(1)).min(2).max(10_000),
    pixels: z
      .array(z.number().min(0).max(1))
      .max(1 << 20)
      .optional(),
    gate_fired: z.boolean(),
    answered_by: z.enum(['edge', 'cloud']).describe('Which phase gave the answer the user saw.'),
  })
  .strict()
  .meta({ id: 'EdgeRecord' });
export type EdgeRecord = z.infer<typeof EdgeRecord>;
export const EdgeLogRequest = z
  .object({ records: z.array(z.unknown()).min(1).max(MAX_LOG_RECORDS).describe('EdgeRecord objects; each is checked on its own.') })
  .strict()
  .meta({ id: 'EdgeLogRequest' });
export const RejectedRecord = z.object({
  index: z.number().int(),
  key: z.string().optional(),
  code: z.enum(ERROR_CODES),
  error: z.string(),
});
export const EdgeLogResponse = z
  .object({
    accepted: z.number().int().describe('Records newly logged.'),
    duplicates: z.number().int().describe('Records logged before (same key, model, version and source): not doubled.'),
    rejected: z.array(RejectedRecord).describe('Records refused, each with what is wrong; the others were accepted.'),
  })
  .meta({ id: 'EdgeLogResponse' });
export type EdgeLogResponse = z.infer<typeof EdgeLogResponse>;

export const WINDOW_NAMES = ['1m', '5m', '1h', '1d'] as const;
export const WindowsQuery = z
  .object({
    from: IsoTime.optional().describe('Default: 24 hours before `to`.'),
    to: IsoTime.optional().describe('Default: now.'),
    window: z.enum(WINDOW_NAMES).default('1h'),
    version: z.string().min(1).max(64).optional(),
    source: z.enum(['cloud', 'edge', 'batch', 'shadow']).optional(),
  })
  .strict();

const ColumnDrift = z.object({
  name: z.string(),
  test: z.enum(['ks', 'wasserstein', 'chi_squared', 'jensen_shannon']),
  statistic: z.number(),
  p_value: z.number().nullable(),
  threshold: z.number(),
  drifted: z.boolean(),
});
export const MonitoringWindow = z
  .object({
    start: z.string(),
    end: z.string(),
    version: z.string(),
    source: z.string(),
    predictions: z.number().int(),
    labelled: z.number().int(),
    accuracy: z.object({ value: z.number(), low: z.number(), high: z.number() }).nullable().describe('Null below MIN_LABELS labelled predictions.'),
    estimated_accuracy: z.number().nullable().describe('Mean calibrated confidence (CBPE); null without a reference.'),
    mean_confidence: z.number(),
    gate_rate: z.number().nullable(),
    rejection_rate: z.number().nullable().describe('Share of the predictions answered with the reject label ("not a digit"); null for a model without one.'),
    label_distribution: z.record(z.string(), z.number().int()),
    drift: z.object({ features: z.array(ColumnDrift), drifted_share: z.number(), dataset_drift: z.boolean() }).nullable(),
  })
  .meta({ id: 'MonitoringWindow' });
export const WindowsResponse = z.object({ model: z.string(), windows: z.array(MonitoringWindow) }).meta({ id: 'WindowsResponse' });
export type WindowsResponse = z.infer<typeof WindowsResponse>;

export const ConfusionResponse = z
  .object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number().int())).describe('Rows: true label; columns: predicted label.') })
  .meta({ id: 'ConfusionResponse' });

export const CascadeResponse = z
  .object({
    edge_model: z.string(),
    cloud_model: z.string(),
    edge_predictions: z.number().int(),
    escalated_share: z.number().nullable(),
    both: z.number().int(),
    revised_share: z.number().nullable(),
    labelled_both: z.number().int(),
    edge_accuracy: z.number().nullable(),
    cloud_accuracy: z.number().nullable(),
    cascade_accuracy: z.number().nullable(),
    series: z
      .array(
        z.object({
          start: z.string(),
          edge_predictions: z.number().int(),
          escalated_share: z.number().nullable(),
          both: z.number().int(),
          revised_share: z.number().nullable(),
        }),
      )
      .optional()
      .describe('With `window`: the windows holding edge answers, oldest first, each with its escalation and revision rates.'),
  })
  .meta({ id: 'CascadeResponse' });

export const FlushResponse = z.object({ written: z.number().int().describe('Logged predictions written by this flush.') }).meta({ id: 'FlushResponse' });
