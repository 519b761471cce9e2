/** The gate fires when the small model's top probability is below the threshold. */
import { argmax } from './probabilities';

export interface EdgeVerdict {
  readonly label: number;
  readonly confidence: number;
  /** True when the small model is not sure enough and the full model should answer. */
  readonly escalate: boolean;
}

export function gate(probabilities: ArrayLike<number>, threshold: number): EdgeVerdict {
  const label = argmax(probabilities);
  const confidence = probabilities[label] ?? 0;
  return { label, confidence, escalate: confidence < threshold };
}
