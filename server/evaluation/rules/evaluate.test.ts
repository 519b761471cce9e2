/**
 * Alert rules against both stores: each kind fires on a window built to fire
 * it and not on one built not to; accuracy fires on the Wilson upper bound,
 * so a small unlucky sample does not; min_samples and the cooldown hold, the
 * cooldown across a reopened store too; a replayed range judges every window.
 */
import { expect, it } from 'vitest';
import { eachBackend } from '../../../test/db/backends';
import { DATASET_DRIFT_SHARE } from '../windows/drift';
import { evaluateRules, evaluateRulesInRange, runRules } from './evaluate';
import { RuleSchema, type Rule } from './rules';
import { after, evaluationOver, feed, hour, loadLayouts } from './testing/scenario';

const layouts = await loadLayouts();
const rule = (fields: Record<string, unknown>): Rule => RuleSchema.parse(fields);

eachBackend('alert rules', (suite) => {
  const evaluation = evaluationOver(() => suite().db, layouts);
  const alertsOf = (name: string) =>
    suite()
      .db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts WHERE rule = $1', [name])
      .then((r) => r[0]?.n);

  it('fires accuracy_below on the Wilson upper bound: not at 17 of 20 right, at 160 of 200 right', async () => {
    const { db } = suite();
    const accuracy = rule({ kind: 'accuracy_below', name: 'accuracy', model: 'digits-full', threshold: 0.9, min_samples: 10 });
    // 85% on 20 labels: the interval [0.64, 0.95] reaches above 0.9, so this may be noise.
    await feed(db, layouts, { prefix: 'acc20', start: hour(0), count: 20, like: 'reference', labels: { labelled: 20, correct: 17 } });
    expect(await evaluateRules(evaluation, [accuracy], after(0))).toEqual([]);
    // 80% on 200 labels: the interval [0.74, 0.85] is all below 0.9.
    await feed(db, layouts, { prefix: 'acc200', start: hour(1), count: 200, like: 'reference', labels: { labelled: 200, correct: 160 } });
    const [fired, ...more] = await evaluateRules(evaluation, [accuracy], after(1));
    expect(more).toEqual([]);
    expect(fired).toMatchObject({
      rule: 'accuracy',
      model: 'digits-full',
      version: '1',
      window: { start: new Date(hour(1)).toISOString(), end: new Date(hour(2)).toISOString() },
      threshold: 0.9,
      action: 'notify',
      evidence: { kind: 'accuracy_below', source: 'cloud', labelled: 200, correct: 160, accuracy: { value: 0.8 } },
    });
    expect(fired?.value).toBeCloseTo(0.8496, 3);
    expect(fired?.evidence.accuracy).toMatchObject({ low: expect.closeTo(0.7392, 3), high: fired?.value });
    expect(await alertsOf('accuracy')).toBe(1);
  });

  it('holds min_samples: too few labels or predictions never fire', async () => {
    const { db } = suite();
    await feed(db, layouts, { prefix: 'few', start: hour(2), count: 150, like: 'shifted', labels: { labelled: 150, correct: 0 } });
    const rules = [
      rule({ kind: 'accuracy_below', name: 'few-accuracy', model: 'digits-full', min_samples: 151 }),
      rule({ kind: 'dataset_drift', name: 'few-drift', model: 'digits-full' }), // 200 by default
      rule({ kind: 'estimated_accuracy_drop', name: 'few-estimate', model: 'digits-full', min_samples: 151 }),
    ];
    expect(await evaluateRules(evaluation, rules, after(2))).toEqual([]);
    // The same window with the bar at what it holds: all three fire.
    const lower = rules.map((r) => ({ ...r, name: `${r.name}-150`, min_samples: 150 }));
    expect((await evaluateRules(evaluation, lower, after(2))).map((a) => a.rule).sort()).toEqual(['few-accuracy-150', 'few-drift-150', 'few-estimate-150']);
  });

  it('fires estimated_accuracy_drop when the calibrated estimate falls, not on reference-like answers', async () => {
    const { db } = suite();
    const drop = rule({ kind: 'estimated_accuracy_drop', name: 'estimate', model: 'digits-full', max_drop: 0.05, min_samples: 200 });
    await feed(db, layouts, { prefix: 'est-ok', start: hour(3), count: 1000, like: 'reference' });
    expect(await evaluateRules(evaluation, [drop], after(3))).toEqual([]);
    await feed(db, layouts, { prefix: 'est-low', start: hour(4), count: 250, like: 'shifted' });
    const [fired] = await evaluateRules(evaluation, [drop], after(4));
    const reference = layouts.of('digits-full', '1')?.reference?.estimated_accuracy as number;
    expect(fired?.threshold).toBe(0.05);
    expect(fired?.evidence).toMatchObject({ kind: 'estimated_accuracy_drop', predictions: 250, reference_estimated_accuracy: reference });
    expect(fired?.value).toBeCloseTo(reference - (fired?.evidence.estimated_accuracy as number), 12);
    expect(fired?.value).toBeGreaterThan(0.3);
  });

  it('fires dataset_drift with the drifted columns and their p-values as evidence, not on the reference itself', async () => {
    const { db } = suite();
    const drift = rule({ kind: 'dataset_drift', name: 'drift', model: 'digits-full', min_samples: 200 });
    await feed(db, layouts, { prefix: 'drift-ok', start: hour(5), count: 1000, like: 'reference' });
    const calm = await runRules(evaluation, [drift], after(5));
    expect(calm).toEqual({ fired: [], states: [{ rule: 'drift', model: 'digits-full', version: '1', holds: false }] });
    await feed(db, layouts, { prefix: 'drift-bad', start: hour(6), count: 250, like: 'shifted' });
    const { fired, states } = await runRules(evaluation, [drift], after(6));
    expect(states).toEqual([{ rule: 'drift', model: 'digits-full', version: '1', holds: true }]);
    expect(fired).toHaveLength(1);
    const evidence = fired[0]?.evidence as { drifted: { name: string; p_value: number | null }[]; drifted_share: number };
    expect(fired[0]?.threshold).toBe(DATASET_DRIFT_SHARE);
    expect(evidence.drifted_share).toBe(1);
    expect(evidence.drifted.map((c) => c.name)).toEqual(expect.arrayContaining(['ink_mass', 'slant', 'predicted_label', 'confidence']));
    for (const column of evidence.drifted) expect(column.p_value).toBeLessThan(0.05);
  });

  it('fires gate_rate_above on edge windows only, above factor x the reference gate rate', async () => {
    const { db } = suite();
    // No model: every model of the manifest; the cloud model has no gate and never fires it.
    const gate = rule({ kind: 'gate_rate_above', name: 'gate', factor: 2, min_samples: 200 });
    // The edge model's reference gate rate, from its reference file; 5 of 250 stay under twice it, 75 of 250 go over.
    const reference = layouts.of('digits-small', '1')?.reference?.gate_rate as number;
    expect(reference).toBeGreaterThan(0);
    expect(5 / 250).toBeLessThan(2 * reference);
    expect(75 / 250).toBeGreaterThan(2 * reference);
    await feed(db, layouts, { prefix: 'gate-ok', start: hour(7), count: 250, like: 'reference', model: 'digits-small', source: 'edge', gateFired: 5 });
    await feed(db, layouts, { prefix: 'gate-cloud', start: hour(7), count: 250, like: 'reference' });
    expect(await evaluateRules(evaluation, [gate], after(7))).toEqual([]);
    await feed(db, layouts, { prefix: 'gate-bad', start: hour(8), count: 250, like: 'reference', model: 'digits-small', source: 'edge', gateFired: 75 });
    const fired = await evaluateRules(evaluation, [gate], after(8));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      model: 'digits-small',
      value: 0.3,
      evidence: { source: 'edge', gate_rate: 0.3, reference_gate_rate: reference, factor: 2 },
    });
    expect(fired[0]?.threshold).toBeCloseTo(2 * reference, 12);
  });

  it('holds the cooldown from the audit trail, across a reopened store, and fires again after it', async () => {
    const { db } = suite();
    const drift = rule({ kind: 'dataset_drift', name: 'cooldown', model: 'digits-full', cooldown_s: 3600 });
    await feed(db, layouts, { prefix: 'cool-a', start: hour(10), count: 250, like: 'shifted' });
    await feed(db, layouts, { prefix: 'cool-b', start: hour(11), count: 250, like: 'shifted' });
    const first = after(10);
    expect(await evaluateRules(evaluation, [drift], first)).toHaveLength(1);
    // Ten minutes later, the same window still drifts: within the cooldown, nothing new.
    expect(await evaluateRules(evaluation, [drift], new Date(first.getTime() + 600_000))).toEqual([]);
    await suite().reopen();
    // A restarted server reads the cooldown back from the store.
    expect(await evaluateRules(evaluation, [drift], new Date(first.getTime() + 3_599_000))).toEqual([]);
    expect(await alertsOf('cooldown')).toBe(1);
    // An hour after the firing: the next window drifts too, and fires.
    const [again] = await evaluateRules(evaluation, [drift], new Date(first.getTime() + 3_600_000));
    expect(again?.window.start).toBe(new Date(hour(11)).toISOString());
    expect(await alertsOf('cooldown')).toBe(2);
  });

  it('replays every complete window of a range, oldest first, with the cooldown in the scenario time', async () => {
    const { db } = suite();
    await feed(db, layouts, { prefix: 'replay-a', start: hour(20), count: 250, like: 'shifted' });
    await feed(db, layouts, { prefix: 'replay-b', start: hour(21), count: 250, like: 'reference' });
    await feed(db, layouts, { prefix: 'replay-c', start: hour(22), count: 250, like: 'shifted' });
    await feed(db, layouts, { prefix: 'replay-d', start: hour(23), count: 250, like: 'shifted' });
    const range = { from: new Date(hour(20) - 60_000), to: new Date(hour(24) + 60_000) };
    const hourly = rule({ kind: 'dataset_drift', name: 'replay', model: 'digits-full', cooldown_s: 3600 });
    const fired = await evaluateRulesInRange(evaluation, [hourly], range);
    // Hour 20 starts after `from` is rounded up to a whole hour, so it is judged; hour 21 does not drift.
    expect(fired.map((a) => [a.window.start, a.time])).toEqual([20, 22, 23].map((k) => [new Date(hour(k)).toISOString(), new Date(hour(k + 1)).toISOString()]));
    // Two hours of cooldown: hour 23 ends one hour after hour 22's firing.
    const slow = rule({ kind: 'dataset_drift', name: 'replay-slow', model: 'digits-full', cooldown_s: 7200 });
    expect((await evaluateRulesInRange(evaluation, [slow], range)).map((a) => a.window.start)).toEqual([20, 22].map((k) => new Date(hour(k)).toISOString()));
    // Replaying again writes nothing twice.
    expect(await evaluateRulesInRange(evaluation, [hourly], range)).toEqual([]);
  });
});
