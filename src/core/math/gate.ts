/**
 * The edge's verdict. The gate fires (the full model answers) when the small
 * model's top probability is below the threshold. A model with a reject class
 * ("not a digit") adds a rule on that class's probability: at or above
 * `answerAt` (when set) the edge answers the reject label itself; at or above
 * `escalateAt`, or when the reject label is on top, the full model is asked.
 */
import { argmax } from './probabilities';

export interface EdgeVerdict {
  readonly label: number;
  readonly confidence: number;
  /** True when the small model is not sure enough and the full model should answer. */
  readonly escalate: boolean;
}

export interface RejectRule {
  /** The reject label's index among the outputs. */
  readonly index: number;
  readonly escalateAt: number;
  /** Undefined: the edge never answers the reject label itself. */
  readonly answerAt?: number | undefined;
}

export function gate(probabilities: ArrayLike<number>, threshold: number, reject?: RejectRule): EdgeVerdict {
  const label = argmax(probabilities);
  const confidence = probabilities[label] ?? 0;
  if (!reject) return { label, confidence, escalate: confidence < threshold };
  const rejected = probabilities[reject.index] ?? 0;
  if (reject.answerAt !== undefined && rejected >= reject.answerAt) return { label: reject.index, confidence: rejected, escalate: false };
  return { label, confidence, escalate: confidence < threshold || rejected >= reject.escalateAt || label === reject.index };
}
