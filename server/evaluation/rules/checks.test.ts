/**
 * The rejection-rate rule against single windows: it fires above both
 * factor × the reference's rejection rate and min_rate, says nothing for a
 * model without a reject label or for a thin window, and min_rate alone
 * decides without a reference.
 */
import { describe, expect, it } from 'vitest';
import { MODEL_PACK_DIR } from '../../../src/core/manifest';
import type { ProfileLayout } from '../layout';
import { ModelLayouts } from '../layouts';
import type { Window } from '../windows/windows';
import { checkWindow } from './checks';
import { RuleSchema } from './rules';

const layouts = await ModelLayouts.load(MODEL_PACK_DIR);
const committed = layouts.of('digits-full', '1') as ProfileLayout;
/** A reference that answered the reject label `share` of the time, the rest spread over the other labels. */
const referenceRejecting = (share: number): ProfileLayout => {
  const others = (1 - share) / (committed.labels.length - 1);
  const label_distribution = committed.labels.map((_, i) => 1000 * (i === committed.rejectIndex ? share : others));
  return { ...committed, ...(committed.reference ? { reference: { ...committed.reference, label_distribution } } : {}) };
};
// The model's own reject label, with a reference rejection rate of 3%.
const withReject = referenceRejecting(0.03);
const withoutReject: ProfileLayout = { ...committed, rejectIndex: -1 };

const rule = RuleSchema.parse({ kind: 'rejection_rate_above', name: 'surge', factor: 2, min_rate: 0.05, min_samples: 200 });

function window(rejectionRate: number | null, predictions = 1000): Window {
  return {
    start: '2026-12-01T12:00:00.000Z',
    end: '2026-12-01T13:00:00.000Z',
    version: '1',
    source: 'cloud',
    predictions,
    labelled: 0,
    accuracy: null,
    estimated_accuracy: null,
    mean_confidence: 0.9,
    gate_rate: null,
    rejection_rate: rejectionRate,
    label_distribution: {},
    drift: null,
  };
}

describe('rejection_rate_above', () => {
  it('fires above factor x the reference rejection rate and min_rate, with its evidence', () => {
    expect(committed.reference).toBeDefined();
    expect(committed.labels[committed.rejectIndex]).toBe(layouts.entry('digits-full', '1')?.reject_label);
    const check = checkWindow(rule, window(0.07), withReject);
    expect(check?.threshold).toBeCloseTo(0.06, 12);
    expect(check).toMatchObject({
      value: 0.07,
      holds: true,
      evidence: { kind: 'rejection_rate_above', rejection_rate: 0.07, factor: 2, min_rate: 0.05, predictions: 1000 },
    });
    expect((check?.evidence as { reference_rejection_rate: number }).reference_rejection_rate).toBeCloseTo(0.03, 12);
    expect(checkWindow(rule, window(0.055), withReject)?.holds).toBe(false);
  });

  it('takes min_rate when the reference rarely rejects, and alone without a reference', () => {
    const rare = referenceRejecting(0.001);
    expect(checkWindow(rule, window(0.04), rare)).toMatchObject({ threshold: 0.05, holds: false });
    expect(checkWindow(rule, window(0.051), rare)?.holds).toBe(true);
    // The committed reference's own rate, from its predicted-label counts.
    const counts = committed.reference?.label_distribution ?? [];
    const own = (counts[committed.rejectIndex] ?? 0) / counts.reduce((a, b) => a + b, 0);
    const check = checkWindow(rule, window(Math.max(0.051, 2 * own + 0.001)), committed);
    expect(check?.threshold).toBeCloseTo(Math.max(0.05, 2 * own), 12);
    expect(check).toMatchObject({ holds: true, evidence: { reference_rejection_rate: own } });
    const noReference: ProfileLayout = { ...withReject, reference: undefined };
    expect(checkWindow(rule, window(0.051), noReference)).toMatchObject({ threshold: 0.05, holds: true, evidence: { reference_rejection_rate: null } });
  });

  it('says nothing for a model without a reject label, or for a window under min_samples', () => {
    expect(checkWindow(rule, window(null), withoutReject)).toBeUndefined();
    expect(checkWindow(rule, window(0.5, 199), withReject)).toBeUndefined();
  });
});
