/**
 * The edge's gate: the threshold on the top probability alone, and with a
 * reject class, the edge's own "not a digit" at or above answer_at, and the
 * full model asked at or above escalate_at or when the reject label is on top.
 */
import { describe, expect, it } from 'vitest';
import { gate } from './gate';

/** Probabilities over three digits and a reject class (index 3). */
const p = (...values: number[]) => values;
const REJECT = { index: 3, escalateAt: 0.05, answerAt: 0.9 };

describe('the gate', () => {
  it('fires below the threshold on the top probability, and not at it', () => {
    expect(gate(p(0.1, 0.7, 0.2), 0.8)).toEqual({ label: 1, confidence: expect.closeTo(0.7, 6), escalate: true });
    expect(gate(p(0.1, 0.8, 0.1), 0.8).escalate).toBe(false);
  });

  it('with a reject class: the edge answers "not a digit" itself when sure', () => {
    expect(gate(p(0.02, 0.03, 0.0, 0.95), 0.9, REJECT)).toEqual({ label: 3, confidence: expect.closeTo(0.95, 6), escalate: false });
    expect(gate(p(0.05, 0.05, 0.0, 0.9), 0.99, REJECT)).toMatchObject({ label: 3, escalate: false });
  });

  it('asks the full model when the reject probability is unusual, though a digit is sure', () => {
    expect(gate(p(0.93, 0.0, 0.0, 0.07), 0.9, REJECT)).toEqual({ label: 0, confidence: expect.closeTo(0.93, 6), escalate: true });
    expect(gate(p(0.96, 0.0, 0.0, 0.04), 0.9, REJECT)).toMatchObject({ label: 0, escalate: false });
  });

  it('asks the full model when the reject label is on top but not sure enough to answer', () => {
    expect(gate(p(0.1, 0.1, 0.0, 0.8), 0.5, { ...REJECT, escalateAt: 0.95 })).toMatchObject({ label: 3, escalate: true });
  });

  it('still fires on an unsure digit with a reject class', () => {
    expect(gate(p(0.6, 0.38, 0.0, 0.02), 0.9, REJECT)).toMatchObject({ label: 0, escalate: true });
  });
});
