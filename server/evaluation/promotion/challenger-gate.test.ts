/**
 * The champion/challenger gate promotes only a challenger better by the
 * margin on the fresh set, significantly so by McNemar's exact test, and not
 * worse by more than half a point on the held-out split; every figure comes
 * back with the decision.
 */
import { describe, expect, it } from 'vitest';
import { mcnemarExact } from '../../../src/core/stats/mcnemar';
import { judgeChallenger, type PairedAnswer } from './challenger-gate';

/** `n` labelled inputs: both right on `both`, only the champion on `b`, only the challenger on `c`, both wrong on the rest. */
function pairs(n: number, both: number, b: number, c: number): PairedAnswer[] {
  return Array.from({ length: n }, (_, i) => {
    const label = String(i % 10);
    const wrong = String((i + 1) % 10);
    if (i < both) return { label, first: label, second: label };
    if (i < both + b) return { label, first: label, second: wrong };
    if (i < both + b + c) return { label, first: wrong, second: label };
    return { label, first: wrong, second: wrong };
  });
}

const sameOnHeldout = pairs(2000, 1950, 10, 10);

describe('judgeChallenger', () => {
  it('promotes a challenger better by more than the margin, significantly, that keeps the held-out accuracy', () => {
    const decision = judgeChallenger(pairs(1000, 840, 10, 60), sameOnHeldout);
    expect(decision.promote).toBe(true);
    expect(decision.fresh).toMatchObject({ count: 1000, champion_accuracy: 0.85, challenger_accuracy: 0.9, b: 10, c: 60 });
    expect(decision.fresh.p_value).toBe(mcnemarExact(10, 60).pValue);
    expect(decision.fresh.p_value).toBeLessThan(1e-9);
    expect(decision.heldout).toMatchObject({ count: 2000, loss: 0 });
    expect(decision.reasons.every((r) => r.endsWith(': met'))).toBe(true);
  });

  it('keeps the champion when the gain is under the margin, significant or not', () => {
    const decision = judgeChallenger(pairs(10_000, 8400, 100, 180), sameOnHeldout);
    expect(decision.fresh.challenger_accuracy - decision.fresh.champion_accuracy).toBeCloseTo(0.008, 10);
    expect(decision.fresh.p_value).toBeLessThan(0.05);
    expect(decision.promote).toBe(false);
    expect(decision.reasons[0]).toMatch(/gain of 0\.80 points \(needs 1\.00 points\): not met/);
  });

  it('keeps the champion when the gain is not significant (too few discordant pairs)', () => {
    const decision = judgeChallenger(pairs(100, 80, 0, 2), sameOnHeldout);
    expect(decision.fresh.challenger_accuracy - decision.fresh.champion_accuracy).toBeCloseTo(0.02, 10);
    expect(decision.fresh.p_value).toBe(0.5);
    expect(decision.promote).toBe(false);
    expect(decision.reasons[1]).toMatch(/p = 0\.500 .*: not met/);
  });

  it('keeps the champion when the challenger loses more than half a point on the held-out split', () => {
    const decision = judgeChallenger(pairs(1000, 840, 10, 60), pairs(2000, 1940, 20, 8));
    expect(decision.heldout.loss).toBeCloseTo(0.006, 10);
    expect(decision.promote).toBe(false);
    expect(decision.reasons[2]).toMatch(/loss of 0\.60 points \(at most 0\.50 points\): not met/);
    // Half a point exactly is allowed.
    expect(judgeChallenger(pairs(1000, 840, 10, 60), pairs(2000, 1940, 20, 10)).promote).toBe(true);
  });

  it('never promotes a worse challenger, however significant', () => {
    const decision = judgeChallenger(pairs(1000, 840, 60, 10), sameOnHeldout);
    expect(decision.fresh.p_value).toBeLessThan(1e-9);
    expect(decision.promote).toBe(false);
  });

  it('takes its margin from the settings', () => {
    const strict = { margin: 0.06, maxHeldoutLoss: 0.005, alpha: 0.05 };
    expect(judgeChallenger(pairs(1000, 840, 10, 60), sameOnHeldout, strict).promote).toBe(false);
    expect(judgeChallenger(pairs(1000, 840, 10, 70), sameOnHeldout, strict).promote).toBe(true);
  });

  it('refuses to judge without answers', () => {
    expect(() => judgeChallenger([], sameOnHeldout)).toThrow(/fresh test set is empty/);
    expect(() => judgeChallenger(pairs(10, 10, 0, 0), [])).toThrow(/held-out set is empty/);
  });
});
