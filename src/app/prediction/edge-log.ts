/**
 * The edge's side of continued evaluation: the record the app sends for a
 * settled answer (the predictor decides which: a share of keys by the
 * server's hashing rule, and every labelled one).
 */
import type { EdgeRecord } from '../../core/api/evaluation';
import type { ModelEntry } from '../../core/manifest';
import type { Answer, Verdict } from '../../core/policy/answer';

/** The small model's verdict in an answer: the one shown, or the one the cloud revised. Undefined when the edge did not run. */
export function edgeVerdictOf(answer: Answer): Verdict | undefined {
  return answer.edge ?? (answer.origin === 'edge' ? answer.verdict : undefined);
}

/**
 * The record of a settled answer as the user saw it: the small model's label
 * and probabilities, whether its gate fired, and which phase gave the answer
 * shown. `pixels` only when the user shares drawings.
 */
export function edgeRecordOf(answer: Answer, model: ModelEntry, pixels: readonly number[] | undefined): EdgeRecord | undefined {
  const edge = edgeVerdictOf(answer);
  if (!edge) return undefined;
  return {
    key: answer.key,
    model: model.name,
    version: model.version,
    source: 'edge',
    time: new Date(answer.at).toISOString(),
    label: edge.label,
    probabilities: edge.probabilities.map((p) => Math.min(1, Math.max(0, p))),
    ...(pixels ? { pixels: [...pixels] } : {}),
    gate_fired: answer.escalated,
    answered_by: answer.origin,
  };
}
