/**
 * What a model can answer. `serving_default` gives probabilities (the softmax
 * of the logits), `logits` the raw scores, and `explain` adds an occlusion map;
 * it costs dozens of model runs per instance, so it runs only when named.
 */
import { ServiceError } from '../../../src/core/api/errors';
import { SIGNATURES, type Prediction, type SignatureName } from '../../../src/core/api/predict';
import { argmax, softmax } from '../../../src/core/math/probabilities';
import type { ServingModel } from '../model';
import { quoteValue } from './json';

export function parseSignature(value: unknown): SignatureName {
  if (value === undefined) return 'serving_default';
  if (typeof value !== 'string' || !SIGNATURES.includes(value as SignatureName)) {
    throw new ServiceError('INVALID_REQUEST', `unknown signature ${quoteValue(value)}; known: ${SIGNATURES.join(', ')}`);
  }
  return value as SignatureName;
}

/** Rows of logits (flat) to keyed predictions in the signature's shape. */
export function predictionsFrom(keys: readonly string[], logits: Float32Array, model: ServingModel, signature: SignatureName): Prediction[] {
  return keys.map((key, row) => {
    const scores = logits.subarray(row * model.classes, (row + 1) * model.classes);
    const best = argmax(scores);
    const label = model.entry.labels[best] ?? String(best);
    if (signature === 'logits') return { key, label, logits: Array.from(scores) };
    return { key, label, probabilities: Array.from(softmax(scores)) };
  });
}
