/**
 * A store filled with labelled feedback through the project's own ingest
 * code: logged predictions with their inputs, then labels by key.
 */
import type { Database } from '../../../db/database';
import { insertLabels, type LabelRecord } from '../../ingest/labels';
import { insertPredictions } from '../../ingest/predictions';
import type { LogSource, PredictionRow } from '../../log/records';
import { quantizeInput } from '../../../../src/core/preprocess/input-bytes';

export interface Feedback {
  readonly key: string;
  readonly model: string;
  readonly version?: string;
  readonly source?: LogSource;
  /** Epoch milliseconds of the prediction. */
  readonly time: number;
  /** The model input (ink in [0, 1]); undefined: logged without it (LOG_INPUTS off). */
  readonly input: ArrayLike<number> | undefined;
  /** The ground truth sent for the key, if any, and when it is true as of. */
  readonly label?: { readonly label: string; readonly time: number };
}

const CLASSES = 11;

export async function fillStore(db: Database, feedback: readonly Feedback[]): Promise<void> {
  const rows: PredictionRow[] = feedback.map((f) => ({
    key: f.key,
    model: f.model,
    version: f.version ?? '1',
    source: f.source ?? 'cloud',
    signature: 'serving_default',
    time: f.time,
    labelIndex: 0,
    probabilities: Float32Array.from({ length: CLASSES }, (_, i) => (i === 0 ? 0.9 : 0.01)),
    input: f.input ? quantizeInput(f.input) : undefined,
    features: undefined,
    requestId: undefined,
    latencyMs: undefined,
    gateFired: undefined,
    answeredBy: undefined,
  }));
  await insertPredictions(db, rows, () => undefined);
  const labels: LabelRecord[] = feedback.flatMap((f) => (f.label ? [{ key: f.key, label: f.label.label, time: f.label.time }] : []));
  await insertLabels(db, labels, () => undefined);
}

/**
 * `count` validation digits as digits-small's labelled edge drawings `drawing-<i>`: predictions a second
 * apart from `t0`, each labelled a minute after the one before (so the newest labels are the last keys).
 */
export function labelledDrawings(digits: { readonly inputs: Float32Array; readonly labels: readonly number[] }, count: number, t0: number): Feedback[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `drawing-${i}`,
    model: 'digits-small',
    source: 'edge' as const,
    time: t0 + i * 1000,
    input: digits.inputs.subarray(i * 784, (i + 1) * 784),
    label: { label: String(digits.labels[i]), time: t0 + i * 60_000 },
  }));
}
