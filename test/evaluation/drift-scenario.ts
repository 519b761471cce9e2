/**
 * A drift scenario from real data: hourly windows of held-out digits through
 * the full model, with their labels, first as the model knows them, then
 * drawn as users on phones draw (thick strokes, rotated, slanted). The
 * default alert rules replay over every window: how many clean windows raise
 * a false alarm, and how many drifted windows pass before a rule fires.
 */
import { join } from 'node:path';
import type { AlertRecord } from '../../src/core/api/alerts';
import { MODEL_PACK_DIR, modelForRole } from '../../src/core/manifest';
import { argmax, softmax } from '../../src/core/math/probabilities';
import type { Database } from '../../server/db/database';
import { insertLabels } from '../../server/evaluation/ingest/labels';
import { insertPredictions } from '../../server/evaluation/ingest/predictions';
import { featuresOf } from '../../server/evaluation/layout';
import { ModelLayouts } from '../../server/evaluation/layouts';
import type { PredictionRow } from '../../server/evaluation/log/records';
import { evaluateRulesInRange } from '../../server/evaluation/rules/evaluate';
import { DEFAULT_RULES } from '../../server/evaluation/rules/rules';
import { runRows } from '../../tools/onnx/evaluate';
import { loadPart } from '../../training/data/datasets';
import { seededRandom, uniform } from '../../training/data/random';
import { rotateAndSlant, thicken } from './transforms';

const HOUR_MS = 3_600_000;
const SIZE = 28;
/** Midnight UTC, 1 October 2026: the scenario's first window. */
const T0 = Date.UTC(2026, 9, 1);

export interface DriftScenario {
  readonly cleanWindows: number;
  readonly driftedWindows: number;
  readonly perWindow: number;
  readonly seed: number;
}

export interface DriftOutcome {
  /** Firings in windows of clean data. */
  readonly falseAlarms: readonly AlertRecord[];
  /** 1 when a rule fired on the first drifted window; null when none fired at all. */
  readonly windowsToAlert: number | null;
  /** Firings in drifted windows. */
  readonly alerts: readonly AlertRecord[];
  readonly cleanAccuracy: number;
  readonly driftedAccuracy: number;
}

export const DEFAULT_SCENARIO: DriftScenario = { cleanWindows: 20, driftedWindows: 4, perWindow: 250, seed: 20261 };

export async function runDriftScenario(db: Database, scenario: DriftScenario = DEFAULT_SCENARIO): Promise<DriftOutcome> {
  const layouts = await ModelLayouts.load(MODEL_PACK_DIR);
  const entry = layouts.all().find((e) => e.role === 'cloud') ?? modelForRole({ models: layouts.all() } as never, 'cloud');
  const layout = layouts.of(entry.name, entry.version);
  if (!layout) throw new Error(`no layout for ${entry.name}`);
  const heldout = loadPart('heldout');
  const random = seededRandom(scenario.seed);
  const windows = scenario.cleanWindows + scenario.driftedWindows;
  const count = windows * scenario.perWindow;
  const inputs = new Float32Array(count * SIZE * SIZE);
  const truth: number[] = [];
  for (let i = 0; i < count; i++) {
    const pick = Math.floor(random() * heldout.labels.length);
    let image: Float32Array = heldout.inputs.slice(pick * SIZE * SIZE, (pick + 1) * SIZE * SIZE);
    if (Math.floor(i / scenario.perWindow) >= scenario.cleanWindows) {
      const sign = random() < 0.5 ? -1 : 1;
      // A finger on a phone: strokes twice as thick, the drawing turned and leaning.
      image = rotateAndSlant(thicken(thicken(image, SIZE), SIZE), SIZE, sign * uniform(random, 20, 40), uniform(random, 0.4, 0.7));
    }
    inputs.set(image, i * SIZE * SIZE);
    truth.push(heldout.labels[pick] as number);
  }
  const logits = await runRows(join(MODEL_PACK_DIR, entry.file), { shape: [count, 1, SIZE, SIZE], data: inputs, labels: truth });
  const rows: PredictionRow[] = logits.map((scores, i) => {
    const probabilities = softmax(scores);
    const window = Math.floor(i / scenario.perWindow);
    return {
      key: `drift-${scenario.seed}-${i}`,
      model: entry.name,
      version: entry.version,
      source: 'cloud',
      signature: 'serving_default',
      time: T0 + window * HOUR_MS + Math.floor(((i % scenario.perWindow) * HOUR_MS) / scenario.perWindow),
      labelIndex: argmax(probabilities),
      probabilities,
      input: undefined,
      features: featuresOf(layout, inputs.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE)),
      requestId: undefined,
      latencyMs: undefined,
      gateFired: undefined,
      answeredBy: undefined,
    };
  });
  await insertPredictions(db, rows, layouts.of);
  await insertLabels(
    db,
    rows.map((r, i) => ({ key: r.key, label: entry.labels[truth[i] as number] as string, time: r.time })),
    layouts.of,
  );
  const fired = await evaluateRulesInRange({ db, layouts }, DEFAULT_RULES, { from: new Date(T0), to: new Date(T0 + windows * HOUR_MS) });
  const driftStart = T0 + scenario.cleanWindows * HOUR_MS;
  const inDrift = (a: AlertRecord) => Date.parse(a.window.start) >= driftStart;
  const alerts = fired.filter(inDrift);
  const first = Math.min(...alerts.map((a) => Date.parse(a.window.start)));
  const accuracy = (from: number, to: number) => {
    let right = 0;
    for (let i = from; i < to; i++) if (rows[i]?.labelIndex === truth[i]) right++;
    return right / (to - from);
  };
  const split = scenario.cleanWindows * scenario.perWindow;
  return {
    falseAlarms: fired.filter((a) => !inDrift(a)),
    windowsToAlert: alerts.length > 0 ? Math.round((first - driftStart) / HOUR_MS) + 1 : null,
    alerts,
    cleanAccuracy: accuracy(0, split),
    driftedAccuracy: accuracy(split, count),
  };
}
