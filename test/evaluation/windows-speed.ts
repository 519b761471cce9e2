/**
 * For bench:eval, part (b): a store holding 1,000,000 logged predictions over 24
 * hours (features of real held-out digits, a label for one in ten), ingested
 * at full speed, then 24 hourly windows with drift asked for a few times.
 */
import { MODEL_PACK_DIR } from '../../src/core/manifest';
import type { Database } from '../../server/db/database';
import { ModelLayouts } from '../../server/evaluation/layouts';
import { featuresOf } from '../../server/evaluation/layout';
import { insertLabels } from '../../server/evaluation/ingest/labels';
import { insertPredictions } from '../../server/evaluation/ingest/predictions';
import type { PredictionRow } from '../../server/evaluation/log/records';
import { windows } from '../../server/evaluation/windows/windows';
import { loadPart } from '../../training/data/datasets';

const HOUR_MS = 3_600_000;
const BATCH = 10_000;

export interface WindowsSpeed {
  readonly predictions: number;
  readonly ingestPerSecond: number;
  readonly labels: number;
  readonly labelsPerSecond: number;
  /** Each ask for the 24 windows, in ms. */
  readonly windowMs: readonly number[];
  readonly windows: number;
}

export async function windowsSpeed(db: Database, total: number, end: number): Promise<WindowsSpeed> {
  const layouts = await ModelLayouts.load(MODEL_PACK_DIR);
  const layout = layouts.of('digits-full', '1');
  if (!layout) throw new Error('digits-full v1 is not in the manifest');
  // One probability per label of the model (the digits, and "not a digit" when it has it).
  const classes = layout.labels.length;
  const heldout = loadPart('heldout');
  const count = heldout.labels.length;
  // Features and a plausible answer per held-out digit, reused round robin.
  const features = heldout.labels.map((_, i) => featuresOf(layout, heldout.inputs.subarray(i * 784, (i + 1) * 784)));
  const start = end - 24 * HOUR_MS;
  const prefix = `bench-${end}-`;
  let started = performance.now();
  for (let from = 0; from < total; from += BATCH) {
    const rows: PredictionRow[] = [];
    for (let i = from; i < Math.min(total, from + BATCH); i++) {
      const label = heldout.labels[i % count] as number;
      const probabilities = Array.from({ length: classes }, (_, c) => (c === label ? 0.95 : 0.05 / (classes - 1)));
      rows.push({
        key: `${prefix}${i}`,
        model: 'digits-full',
        version: '1',
        source: 'cloud',
        signature: 'serving_default',
        time: start + Math.floor((i / total) * 24 * HOUR_MS),
        labelIndex: label,
        probabilities,
        input: undefined,
        features: features[i % count],
        requestId: undefined,
        latencyMs: 3,
        gateFired: undefined,
        answeredBy: undefined,
      });
    }
    await insertPredictions(db, rows, layouts.of);
  }
  const ingestPerSecond = total / ((performance.now() - started) / 1000);
  const labels = Math.floor(total / 10);
  started = performance.now();
  for (let from = 0; from < labels; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, labels - from) }, (_, j) => {
      const i = (from + j) * 10;
      return { key: `${prefix}${i}`, label: String(heldout.labels[i % count]), time: end };
    });
    await insertLabels(db, batch, layouts.of);
  }
  const labelsPerSecond = labels / ((performance.now() - started) / 1000);
  const windowMs: number[] = [];
  let found = 0;
  for (let ask = 0; ask < 3; ask++) {
    const t0 = performance.now();
    const result = await windows(db, { model: 'digits-full', from: new Date(start), to: new Date(end), window: '1h', source: 'cloud' }, layouts.of, 30);
    windowMs.push(performance.now() - t0);
    found = result.length;
    if (result.some((w) => w.drift === null)) throw new Error('a window came back without drift figures');
  }
  return { predictions: total, ingestPerSecond, labels, labelsPerSecond, windowMs, windows: found };
}
