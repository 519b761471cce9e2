import { describe, expect, it } from 'vitest';
import { confidenceLevel, runnerUp, sureFrom } from './confidence';

const labels = ['0', '1', '2', 'x'];
const verdict = (probabilities: number[]) => {
  const top = probabilities.indexOf(Math.max(...probabilities));
  return { label: labels[top] ?? '', confidence: probabilities[top] ?? 0, probabilities, model: 'm@1' };
};

describe('confidence in words', () => {
  it('is "not sure" below the gate threshold, "probably" above it, "sure" halfway to certainty', () => {
    expect(sureFrom(0.72)).toBeCloseTo(0.86);
    expect(confidenceLevel(0.56, 0.72)).toBe('unsure');
    expect(confidenceLevel(0.72, 0.72)).toBe('probably');
    expect(confidenceLevel(0.85, 0.72)).toBe('probably');
    expect(confidenceLevel(0.86, 0.72)).toBe('sure');
    expect(confidenceLevel(1, 0.72)).toBe('sure');
  });

  it('names the runner-up only when the answer is not sure and the runner-up is close', () => {
    expect(runnerUp(verdict([0.05, 0.56, 0.35, 0.04]), labels, 0.72)).toEqual({ label: '2', probability: 0.35 });
    expect(runnerUp(verdict([0.02, 0.8, 0.12, 0.06]), labels, 0.72)).toEqual({ label: '2', probability: 0.12 });
    // Close, but the answer is sure.
    expect(runnerUp(verdict([0, 0.88, 0.12, 0]), labels, 0.72)).toBeUndefined();
    expect(runnerUp(verdict([0.07, 0.7, 0.08, 0.15]), labels, 0.72)).toEqual({ label: 'x', probability: 0.15 });
    expect(runnerUp(verdict([0.07, 0.7, 0.08, 0.09]), labels, 0.72)).toBeUndefined();
  });
});
