/**
 * Changes to window profiles, summed in memory over a batch of predictions or
 * labels and written with one upsert, so a window never has to scan raw
 * rows. Counts may be negative (a replaced label takes back what the old
 * one added).
 */
import type { Queryable } from '../../db/database';
import { binOf, calibrated, type ProfileLayout } from '../layout';

/** Profiles are kept per minute; windows of 1m, 5m, 1h and 1d sum them. */
export const BUCKET_MS = 60_000;

interface Delta {
  readonly model: string;
  readonly version: string;
  readonly source: string;
  readonly bucket: number;
  predictions: number;
  labelled: number;
  correct: number;
  confidenceSum: number;
  expectedCorrect: number;
  gateFired: number;
  labelCounts: number[] | undefined;
  confidenceHist: number[] | undefined;
  featureHist: number[] | undefined;
  confusion: number[] | undefined;
}

export interface LoggedPrediction {
  readonly model: string;
  readonly version: string;
  readonly source: string;
  readonly time: number;
  readonly labelIndex: number;
}

const bump = (array: number[] | undefined, length: number, index: number, by: number): number[] => {
  const counts = array ?? new Array<number>(length).fill(0);
  if (index >= 0 && index < length) counts[index] = (counts[index] as number) + by;
  return counts;
};

export class ProfileDeltas {
  private readonly deltas = new Map<string, Delta>();

  get size(): number {
    return this.deltas.size;
  }

  private at(p: { model: string; version: string; source: string; time: number }): Delta {
    const bucket = Math.floor(p.time / BUCKET_MS) * BUCKET_MS;
    const id = `${p.model}\n${p.version}\n${p.source}\n${bucket}`;
    let delta = this.deltas.get(id);
    if (!delta) {
      delta = { model: p.model, version: p.version, source: p.source, bucket, predictions: 0, labelled: 0, correct: 0 } as Delta;
      delta.confidenceSum = delta.expectedCorrect = delta.gateFired = 0;
      this.deltas.set(id, delta);
    }
    return delta;
  }

  /** A newly logged prediction (with its label, when the key already has one). */
  addPrediction(
    layout: ProfileLayout,
    p: LoggedPrediction & { confidence: number; features: readonly number[] | undefined; gateFired: boolean | undefined },
    trueLabel: string | undefined,
  ): void {
    const d = this.at(p);
    const classes = layout.labels.length;
    d.predictions += 1;
    d.confidenceSum += p.confidence;
    d.expectedCorrect += calibrated(layout, p.confidence);
    if (p.gateFired) d.gateFired += 1;
    d.labelCounts = bump(d.labelCounts, classes, p.labelIndex, 1);
    d.confidenceHist = bump(d.confidenceHist, layout.confidenceEdges.length + 1, binOf(layout.confidenceEdges, p.confidence), 1);
    if (p.features && layout.featureBins > 0) {
      layout.features.forEach((f, i) => {
        const value = p.features?.[i] as number;
        if (Number.isFinite(value)) d.featureHist = bump(d.featureHist, layout.featureBins, f.offset + binOf(f.edges, value), 1);
      });
    }
    if (trueLabel !== undefined) this.label(layout, d, p.labelIndex, trueLabel, 1);
  }

  /** A label given to (+1) or taken from (-1) a logged prediction. */
  changeLabel(layout: ProfileLayout, p: LoggedPrediction, trueLabel: string, by: 1 | -1): void {
    this.label(layout, this.at(p), p.labelIndex, trueLabel, by);
  }

  private label(layout: ProfileLayout, d: Delta, predicted: number, trueLabel: string, by: 1 | -1): void {
    const classes = layout.labels.length;
    const truth = layout.labelIndex.get(trueLabel);
    d.labelled += by;
    if (truth === predicted) d.correct += by;
    // A label the model cannot answer (not among its labels) counts as wrong and stays out of the matrix.
    if (truth !== undefined) d.confusion = bump(d.confusion, classes * classes, truth * classes + predicted, by);
  }

  /** Adds every delta to its profile row (created when missing). */
  async write(tx: Queryable): Promise<void> {
    if (this.deltas.size === 0) return;
    const all = [...this.deltas.values()];
    const column = <T>(pick: (d: Delta) => T) => all.map(pick);
    const literal = (counts: number[] | undefined) => `{${counts ? counts.join(',') : ''}}`;
    await tx.query(
      `INSERT INTO window_profiles AS w (model, version, source, bucket, predictions, labelled, correct, confidence_sum,
         expected_correct, gate_fired, label_counts, confidence_hist, feature_hist, confusion)
       SELECT m, v, s, b, p, l, c, cs, ec, g, lc::bigint[], ch::bigint[], fh::bigint[], cf::bigint[]
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[], $6::bigint[], $7::bigint[],
                   $8::float8[], $9::float8[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[])
         AS u(m, v, s, b, p, l, c, cs, ec, g, lc, ch, fh, cf)
       ON CONFLICT (model, version, source, bucket) DO UPDATE SET
         predictions = w.predictions + excluded.predictions,
         labelled = w.labelled + excluded.labelled,
         correct = w.correct + excluded.correct,
         confidence_sum = w.confidence_sum + excluded.confidence_sum,
         expected_correct = w.expected_correct + excluded.expected_correct,
         gate_fired = w.gate_fired + excluded.gate_fired,
         label_counts = counts_add(w.label_counts, excluded.label_counts),
         confidence_hist = counts_add(w.confidence_hist, excluded.confidence_hist),
         feature_hist = counts_add(w.feature_hist, excluded.feature_hist),
         confusion = counts_add(w.confusion, excluded.confusion)`,
      [
        column((d) => d.model),
        column((d) => d.version),
        column((d) => d.source),
        column((d) => new Date(d.bucket).toISOString()),
        column((d) => d.predictions),
        column((d) => d.labelled),
        column((d) => d.correct),
        column((d) => d.confidenceSum),
        column((d) => d.expectedCorrect),
        column((d) => d.gateFired),
        column((d) => literal(d.labelCounts)),
        column((d) => literal(d.confidenceHist)),
        column((d) => literal(d.featureHist)),
        column((d) => literal(d.confusion)),
      ],
    );
  }
}
