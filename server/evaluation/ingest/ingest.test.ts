/**
 * Ingest of predictions and labels against both stores: idempotent logs,
 * labels that arrive late, early or twice, and the window profiles they keep.
 */
import { expect, it } from 'vitest';
import { MODEL_PACK_DIR } from '../../../src/core/manifest';
import { eachBackend } from '../../../test/db/backends';
import type { LayoutOf } from './predictions';
import type { ProfileLayout } from '../layout';
import { ModelLayouts } from '../layouts';
import type { PredictionRow } from '../log/records';
import { windows } from '../windows/windows';
import { insertLabels } from './labels';
import { insertPredictions } from './predictions';

const layouts = await ModelLayouts.load(MODEL_PACK_DIR);
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const FULL = layouts.of('digits-full', '1') as ProfileLayout;
/** One output per label of the manifest entry; confusion matrices are CLASSES x CLASSES, flat by rows. */
const CLASSES = FULL.labels.length;
const indexOf = (label: string) => FULL.labelIndex.get(label) as number;

/** A cloud prediction of `label` with 0.91 on it. */
function row(key: string, label: number, time = T0, source: PredictionRow['source'] = 'cloud'): PredictionRow {
  const probabilities = Array.from({ length: CLASSES }, (_, i) => (i === label ? 0.91 : 0.09 / (CLASSES - 1)));
  return {
    key,
    model: 'digits-full',
    version: '1',
    source,
    signature: 'serving_default',
    time,
    labelIndex: label,
    probabilities,
    input: new Uint8Array(784).fill(label),
    features: undefined,
    requestId: 'r1',
    latencyMs: 2.5,
    gateFired: undefined,
    answeredBy: undefined,
  };
}

const query = { model: 'digits-full', from: new Date(T0 - 3_600_000), to: new Date(T0 + 3_600_000), window: '1h' as const };

eachBackend('prediction and label ingest', (suite) => {
  it('logs each (key, model, version, source) once, however often it is replayed', async () => {
    const { db } = suite();
    const first = await insertPredictions(db, [row('a', 1), row('b', 2), row('a', 1)], layouts.of);
    expect(first).toEqual({ inserted: 2, duplicates: 1 });
    expect(await insertPredictions(db, [row('a', 1), row('b', 2)], layouts.of)).toEqual({ inserted: 0, duplicates: 2 });
    // The same key from another source is another record.
    expect(await insertPredictions(db, [row('a', 1, T0, 'edge')], layouts.of)).toEqual({ inserted: 1, duplicates: 0 });
    const [stored] = await db.query<{ input: Uint8Array; probabilities: number[]; label: string; confidence: number }>(
      "SELECT input, probabilities, label, confidence FROM predictions WHERE key = 'a' AND source = 'cloud'",
    );
    expect(stored?.label).toBe('1');
    expect(stored?.confidence).toBeCloseTo(0.91, 6);
    expect(stored?.probabilities[1]).toBeCloseTo(0.91, 6);
    expect([...(stored?.input ?? [])].slice(0, 3)).toEqual([1, 1, 1]);
    const [w] = await windows(db, { ...query, source: 'cloud' }, layouts.of, 1);
    expect(w?.predictions).toBe(2);
    expect(w?.label_distribution['1']).toBe(1);
    expect(w?.label_distribution['2']).toBe(1);
    expect(Object.keys(w?.label_distribution ?? {})).toEqual(FULL.labels);
    // The model has a reject label, and no answer was it.
    expect(w?.rejection_rate).toBe(0);
  });

  it("counts the answers of the model's reject label as the windows rejection rate; a model without one has none", async () => {
    const { db } = suite();
    const reject = FULL.rejectIndex;
    expect(FULL.labels[reject]).toBe(layouts.entry('digits-full', '1')?.reject_label);
    // A day of its own, away from the other tests' rows.
    const day = T0 + 86_400_000;
    await insertPredictions(db, [row('n1', reject, day), row('n2', reject, day), row('n3', reject, day), row('d1', 1, day)], layouts.of);
    const dayQuery = { ...query, from: new Date(day - 3_600_000), to: new Date(day + 3_600_000), source: 'cloud' };
    const [w] = await windows(db, dayQuery, layouts.of, 1);
    expect(w?.predictions).toBe(4);
    expect(w?.rejection_rate).toBe(0.75);
    expect(w?.label_distribution[FULL.labels[reject] as string]).toBe(3);
    // The same profiles read as a model without a reject label: no rejection rate at all.
    const withoutReject: LayoutOf = (model, version) => {
      const layout = layouts.of(model, version);
      return layout && { ...layout, rejectIndex: -1 };
    };
    expect((await windows(db, dayQuery, withoutReject, 1))[0]?.rejection_rate).toBeNull();
  });

  it('joins late labels, early labels and replaced labels into the windows', async () => {
    const { db } = suite();
    // Early: the label is there before its prediction.
    expect(await insertLabels(db, [{ key: 'early', label: '3', time: T0 }], layouts.of)).toEqual({ accepted: 1, pending: 1 });
    await insertPredictions(db, [row('early', 3), row('late', 4), row('wrong', 5)], layouts.of);
    // Late: labels after their predictions; "wrong" is labelled 6 but predicted 5.
    expect(
      await insertLabels(
        db,
        [
          { key: 'late', label: '4', time: T0 },
          { key: 'wrong', label: '6', time: T0 },
        ],
        layouts.of,
      ),
    ).toEqual({
      accepted: 2,
      pending: 0,
    });
    const before = (await windows(db, { ...query, source: 'cloud' }, layouts.of, 1))[0];
    // Two of the earlier test's predictions are unlabelled; these three are labelled, two right.
    expect(before?.labelled).toBe(3);
    expect(before?.accuracy?.value).toBeCloseTo(2 / 3, 12);
    // A later label replaces the earlier one: "wrong" turns out to be a 5 after all.
    await insertLabels(db, [{ key: 'wrong', label: '5', time: T0 + 1 }], layouts.of);
    const after = (await windows(db, { ...query, source: 'cloud' }, layouts.of, 1))[0];
    expect(after?.labelled).toBe(3);
    expect(after?.accuracy?.value).toBe(1);
    const history = await db.query<{ label: string }>("SELECT label FROM label_history WHERE key = 'wrong' ORDER BY id");
    expect(history.map((h) => h.label)).toEqual(['6', '5']);
    const confusion = await db.query<{ c: number[] }>("SELECT counts_sum(confusion) AS c FROM window_profiles WHERE source = 'cloud'");
    const matrix = confusion[0]?.c ?? [];
    expect(matrix).toHaveLength(CLASSES * CLASSES);
    // Rows are true labels, columns predicted ones.
    expect(matrix[indexOf('5') * CLASSES + indexOf('5')]).toBe(1);
    expect(matrix[indexOf('6') * CLASSES + indexOf('5')]).toBe(0);
    expect(matrix.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('keeps accuracy null below the minimum of labels, with a Wilson interval above it', async () => {
    const { db } = suite();
    const [w] = await windows(db, { ...query, source: 'cloud' }, layouts.of, 30);
    expect(w?.labelled).toBe(3);
    expect(w?.accuracy).toBeNull();
    const [open] = await windows(db, { ...query, source: 'cloud' }, layouts.of, 3);
    // Wilson 95% for 3 of 3: [0.4385, 1].
    expect(open?.accuracy?.low).toBeCloseTo(0.43849, 4);
    expect(open?.accuracy?.high).toBeCloseTo(1, 12);
  });
});
