/**
 * Windows of one model: per version, source and window of time, what its
 * predictions and labels say — accuracy with its Wilson interval, the
 * accuracy estimated from calibrated confidences (CBPE) for windows without
 * labels, confidence, gate rate, predicted labels and drift. Computed from
 * the per-minute profiles kept at ingest, summed by the store, so the cost
 * does not grow with the number of predictions.
 */
import { wilsonInterval } from '../../../src/core/stats/wilson';
import type { Queryable } from '../../db/database';
import type { LayoutOf } from '../ingest/predictions';
import { windowDrift, type WindowDrift } from './drift';

export const WINDOW_SIZES = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
export type WindowSize = keyof typeof WINDOW_SIZES;

export interface WindowQuery {
  readonly model: string;
  readonly from: Date;
  readonly to: Date;
  readonly window: WindowSize;
  readonly version?: string | undefined;
  readonly source?: string | undefined;
}

export interface Window {
  readonly start: string;
  readonly end: string;
  readonly version: string;
  readonly source: string;
  readonly predictions: number;
  readonly labelled: number;
  readonly accuracy: { readonly value: number; readonly low: number; readonly high: number } | null;
  readonly estimated_accuracy: number | null;
  readonly mean_confidence: number;
  readonly gate_rate: number | null;
  readonly rejection_rate: number | null;
  readonly label_distribution: Readonly<Record<string, number>>;
  readonly drift: WindowDrift | null;
}

interface SummedProfile {
  version: string;
  source: string;
  start: Date;
  predictions: number;
  labelled: number;
  correct: number;
  confidence_sum: number;
  expected_correct: number;
  gate_fired: number;
  label_counts: number[];
  confidence_hist: number[];
  feature_hist: number[];
}

/** The profiles of the range, summed per version, source and window (windows start at `from`). */
function summedProfiles(db: Queryable, q: WindowQuery): Promise<SummedProfile[]> {
  return db.query<SummedProfile>(
    `SELECT version, source, date_bin($4::interval, bucket, $2::timestamptz) AS start,
       sum(predictions)::bigint AS predictions, sum(labelled)::bigint AS labelled, sum(correct)::bigint AS correct,
       sum(confidence_sum)::float8 AS confidence_sum, sum(expected_correct)::float8 AS expected_correct,
       sum(gate_fired)::bigint AS gate_fired, counts_sum(label_counts) AS label_counts,
       counts_sum(confidence_hist) AS confidence_hist, counts_sum(feature_hist) AS feature_hist
     FROM window_profiles
     WHERE model = $1 AND bucket >= $2 AND bucket < $3 AND ($5::text IS NULL OR version = $5) AND ($6::text IS NULL OR source = $6)
     GROUP BY version, source, start
     ORDER BY start, version, source`,
    [q.model, q.from.toISOString(), q.to.toISOString(), `${WINDOW_SIZES[q.window] / 1000} seconds`, q.version ?? null, q.source ?? null],
  );
}

export async function windows(db: Queryable, q: WindowQuery, layoutOf: LayoutOf, minLabels: number): Promise<Window[]> {
  const size = WINDOW_SIZES[q.window];
  const rows = await summedProfiles(db, q);
  return rows.map((p) => {
    const layout = layoutOf(q.model, p.version);
    const labels = layout?.labels ?? p.label_counts.map((_, i) => String(i));
    const interval = p.labelled > 0 ? wilsonInterval(p.correct, p.labelled) : undefined;
    return {
      start: p.start.toISOString(),
      end: new Date(Math.min(p.start.getTime() + size, q.to.getTime())).toISOString(),
      version: p.version,
      source: p.source,
      predictions: p.predictions,
      labelled: p.labelled,
      accuracy: interval && p.labelled >= minLabels ? { value: p.correct / p.labelled, ...interval } : null,
      estimated_accuracy: p.predictions > 0 && layout?.reference ? p.expected_correct / p.predictions : null,
      mean_confidence: p.predictions > 0 ? p.confidence_sum / p.predictions : 0,
      // The gate belongs to the edge model's answers.
      gate_rate: p.source === 'edge' && p.predictions > 0 ? p.gate_fired / p.predictions : null,
      // A surge of "not a digit" answers is a signal of its own (a new kind of input, a broken client).
      rejection_rate: layout && layout.rejectIndex >= 0 && p.predictions > 0 ? (p.label_counts[layout.rejectIndex] ?? 0) / p.predictions : null,
      label_distribution: Object.fromEntries(labels.map((label, i) => [label, p.label_counts[i] ?? 0])),
      drift: layout ? windowDrift(layout, { labelCounts: p.label_counts, confidenceHist: p.confidence_hist, featureHist: p.feature_hist }) : null,
    };
  });
}

/** Confusion over labelled predictions of the range: rows are true labels, columns predicted ones. */
export async function confusion(db: Queryable, q: Omit<WindowQuery, 'window'>, labels: readonly string[]): Promise<{ labels: string[]; matrix: number[][] }> {
  const [row] = await db.query<{ confusion: number[] }>(
    `SELECT counts_sum(confusion) AS confusion FROM window_profiles
     WHERE model = $1 AND bucket >= $2 AND bucket < $3 AND ($4::text IS NULL OR version = $4) AND ($5::text IS NULL OR source = $5)`,
    [q.model, q.from.toISOString(), q.to.toISOString(), q.version ?? null, q.source ?? null],
  );
  const flat = row?.confusion ?? [];
  const n = labels.length;
  return { labels: [...labels], matrix: Array.from({ length: n }, (_, t) => Array.from({ length: n }, (_, p) => flat[t * n + p] ?? 0)) };
}
