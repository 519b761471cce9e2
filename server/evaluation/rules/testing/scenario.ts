/**
 * Test support for alert rules: windows of logged predictions (and labels)
 * built to fire a rule or not to. "Reference-like" rows are the reference
 * split itself — its confidences, input features and predicted-label counts —
 * so such a window cannot drift nor lose estimated accuracy; "shifted" rows
 * are all one label, unsure (confidence 0.6) and with every feature beyond
 * its last bin edge, so every column drifts and the estimate falls.
 */
import { MODEL_PACK_DIR } from '../../../../src/core/manifest';
import type { Database } from '../../../db/database';
import { insertLabels } from '../../ingest/labels';
import { insertPredictions } from '../../ingest/predictions';
import type { ProfileLayout } from '../../layout';
import { ModelLayouts } from '../../layouts';
import type { LogSource, PredictionRow } from '../../log/records';
import type { RulesEvaluation } from '../evaluate';

export const HOUR_MS = 3_600_000;
/** Midnight UTC, 2 November 2026: scenario hours count from here. */
export const T0 = Date.UTC(2026, 10, 2);
export const hour = (k: number): number => T0 + k * HOUR_MS;
/** Five minutes into hour k + 1: the latest complete hourly window is hour k. */
export const after = (k: number): Date => new Date(hour(k + 1) + 5 * 60_000);

export const loadLayouts = (): Promise<ModelLayouts> => ModelLayouts.load(MODEL_PACK_DIR);

/** An evaluation over whatever database the suite has open now (it may reopen it). */
export const evaluationOver = (db: () => Database, layouts: ModelLayouts): RulesEvaluation => ({
  get db() {
    return db();
  },
  layouts,
});

export interface Batch {
  /** Keys are `<prefix>-<i>`: unique per batch, as labels join by key alone. */
  readonly prefix: string;
  /** Epoch ms: the rows fall in the first minute from here. */
  readonly start: number;
  readonly count: number;
  readonly like: 'reference' | 'shifted';
  readonly model?: string;
  readonly source?: LogSource;
  /** How many rows fired the edge gate (edge rows only). */
  readonly gateFired?: number;
  /** The first `labelled` rows get a label, the first `correct` of them the predicted one. */
  readonly labels?: { readonly labelled: number; readonly correct: number };
}

function probabilities(classes: number, label: number, confidence: number): number[] {
  return Array.from({ length: classes }, (_, i) => (i === label ? confidence : (1 - confidence) / (classes - 1)));
}

/** Row i of `count` drawn from the reference (evenly spaced through its split): label, confidence, features. */
function referenceRows(layout: ProfileLayout, count: number) {
  const reference = layout.reference;
  if (!reference) throw new Error(`${layout.model} ${layout.version} has no reference`);
  const size = reference.confidence.values.length;
  const labels = reference.label_distribution.flatMap((n, label) => new Array<number>(n).fill(label));
  const features = layout.features.map((f) => reference.features.find((r) => r.name === f.name)?.values ?? []);
  return (i: number) => {
    const j = Math.floor((i * size) / count);
    return { label: labels[j] ?? 0, confidence: reference.confidence.values[j] as number, features: features.map((values) => values[j] ?? NaN) };
  };
}

const shiftedRow = (layout: ProfileLayout) => ({
  label: 1,
  confidence: 0.6,
  features: layout.features.map((f) => (f.edges[f.edges.length - 1] as number) + 1),
});

/** Logs the batch's predictions and labels. */
export async function feed(db: Database, layouts: ModelLayouts, batch: Batch): Promise<void> {
  const model = batch.model ?? 'digits-full';
  const source = batch.source ?? 'cloud';
  const layout = layouts.of(model, '1');
  if (!layout) throw new Error(`no layout for ${model} 1`);
  const fromReference = batch.like === 'reference' ? referenceRows(layout, batch.count) : undefined;
  const rows: PredictionRow[] = Array.from({ length: batch.count }, (_, i) => {
    const { label, confidence, features } = fromReference ? fromReference(i) : shiftedRow(layout);
    return {
      key: `${batch.prefix}-${i}`,
      model,
      version: '1',
      source,
      signature: 'serving_default',
      time: batch.start + i,
      labelIndex: label,
      probabilities: probabilities(layout.labels.length, label, confidence),
      input: undefined,
      features,
      requestId: undefined,
      latencyMs: undefined,
      gateFired: source === 'edge' ? i < (batch.gateFired ?? 0) : undefined,
      answeredBy: source === 'edge' ? 'edge' : undefined,
    };
  });
  await insertPredictions(db, rows, layouts.of);
  if (!batch.labels) return;
  const { labelled, correct } = batch.labels;
  const labels = rows.slice(0, labelled).map((row, i) => {
    const truth = i < correct ? row.labelIndex : (row.labelIndex + 1) % layout.labels.length;
    return { key: row.key, label: layout.labels[truth] as string, time: batch.start };
  });
  await insertLabels(db, labels, layouts.of);
}
