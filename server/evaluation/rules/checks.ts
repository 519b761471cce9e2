/**
 * One rule against one window: the figure it compares, the threshold, whether
 * the rule's condition holds, and the evidence an operator needs to trust the
 * firing without re-running the query. A window that cannot say (too few
 * samples, no reference to compare with, not an edge window) gives nothing,
 * so thin data never fires a rule nor clears one.
 */
import type { ProfileLayout } from '../layout';
import { DATASET_DRIFT_SHARE } from '../windows/drift';
import type { Window } from '../windows/windows';
import type { Rule } from './rules';

export interface Check {
  readonly value: number;
  readonly threshold: number;
  readonly holds: boolean;
  readonly evidence: Record<string, unknown>;
}

/** The share of a reference's predictions that were the reject label; undefined without a reject label or a reference. */
function referenceRejectionRate(layout: ProfileLayout | undefined): number | undefined {
  const counts = layout?.reference?.label_distribution;
  if (!layout || layout.rejectIndex < 0 || !counts) return undefined;
  const total = counts.reduce((sum, n) => sum + n, 0);
  return total > 0 ? (counts[layout.rejectIndex] ?? 0) / total : undefined;
}

export function checkWindow(rule: Rule, w: Window, layout: ProfileLayout | undefined): Check | undefined {
  const reference = layout?.reference;
  const base = { kind: rule.kind, source: w.source, predictions: w.predictions, labelled: w.labelled, min_samples: rule.min_samples };
  switch (rule.kind) {
    case 'accuracy_below': {
      if (w.labelled < rule.min_samples || !w.accuracy) return undefined;
      // The upper bound, not the point estimate: a small unlucky sample must not page anyone.
      const { high } = w.accuracy;
      const evidence = { ...base, correct: Math.round(w.accuracy.value * w.labelled), accuracy: w.accuracy, interval: 'wilson 95%' };
      return { value: high, threshold: rule.threshold, holds: high < rule.threshold, evidence };
    }
    case 'estimated_accuracy_drop': {
      if (w.predictions < rule.min_samples || w.estimated_accuracy === null || !reference) return undefined;
      const drop = reference.estimated_accuracy - w.estimated_accuracy;
      const evidence = {
        ...base,
        estimated_accuracy: w.estimated_accuracy,
        reference_estimated_accuracy: reference.estimated_accuracy,
        mean_confidence: w.mean_confidence,
      };
      return { value: drop, threshold: rule.max_drop, holds: drop >= rule.max_drop, evidence };
    }
    case 'dataset_drift': {
      if (w.predictions < rule.min_samples || !w.drift) return undefined;
      const drifted = w.drift.features
        .filter((c) => c.drifted)
        .map((c) => ({ name: c.name, test: c.test, statistic: c.statistic, p_value: c.p_value, threshold: c.threshold }));
      const evidence = { ...base, drifted_share: w.drift.drifted_share, columns: w.drift.features.length, drifted };
      return { value: w.drift.drifted_share, threshold: DATASET_DRIFT_SHARE, holds: w.drift.dataset_drift, evidence };
    }
    case 'gate_rate_above': {
      // The gate belongs to the edge model: other sources have no gate rate.
      const referenceRate = reference?.gate_rate;
      if (w.source !== 'edge' || w.gate_rate === null || w.predictions < rule.min_samples || referenceRate === null || referenceRate === undefined) {
        return undefined;
      }
      const threshold = rule.factor * referenceRate;
      const evidence = { ...base, gate_rate: w.gate_rate, reference_gate_rate: referenceRate, factor: rule.factor };
      return { value: w.gate_rate, threshold, holds: w.gate_rate > threshold, evidence };
    }
    case 'rejection_rate_above': {
      // Only a model with a reject label has a rejection rate; without a reference, min_rate alone decides.
      if (w.rejection_rate === null || w.predictions < rule.min_samples) return undefined;
      const referenceRate = referenceRejectionRate(layout);
      const threshold = Math.max(rule.min_rate, rule.factor * (referenceRate ?? 0));
      const evidence = {
        ...base,
        rejection_rate: w.rejection_rate,
        reference_rejection_rate: referenceRate ?? null,
        factor: rule.factor,
        min_rate: rule.min_rate,
      };
      return { value: w.rejection_rate, threshold, holds: w.rejection_rate > threshold, evidence };
    }
  }
}
