/**
 * How sure an answer is, in words: from the gate's threshold (below it the
 * small model asks the full model) and halfway from there to certainty; and
 * the runner-up worth naming when the answer is not sure.
 */
import type { Verdict } from '../../core/policy/answer';

export type ConfidenceLevel = 'sure' | 'probably' | 'unsure';

/** The confidence from which an answer reads "sure": halfway from the gate's threshold to 1. */
export const sureFrom = (threshold: number) => threshold + (1 - threshold) / 2;

/** "sure" from halfway between the threshold and 1, "probably" from the threshold, "not sure" below it. */
export function confidenceLevel(confidence: number, threshold: number): ConfidenceLevel {
  if (confidence >= sureFrom(threshold)) return 'sure';
  return confidence >= threshold ? 'probably' : 'unsure';
}

export const LEVEL_TEXT: Readonly<Record<ConfidenceLevel, string>> = { sure: 'Sure', probably: 'Probably', unsure: 'Not sure' };

/** A runner-up is named when the answer is not sure and it has at least this probability. */
export const RUNNER_UP_FROM = 0.1;

/** The second most likely label, when the answer is not sure and it is close enough to matter. */
export function runnerUp(verdict: Verdict, labels: readonly string[], threshold: number): { readonly label: string; readonly probability: number } | undefined {
  if (confidenceLevel(verdict.confidence, threshold) === 'sure') return undefined;
  let best = -1;
  verdict.probabilities.forEach((p, i) => {
    if (labels[i] !== verdict.label && (best < 0 || p > (verdict.probabilities[best] ?? 0))) best = i;
  });
  const probability = verdict.probabilities[best] ?? 0;
  const label = labels[best];
  return label !== undefined && probability >= RUNNER_UP_FROM ? { label, probability } : undefined;
}
