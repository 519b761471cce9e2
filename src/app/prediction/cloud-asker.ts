/** Phase two through the keyed :predict route, as a verdict of the named cloud model. */
import { predictInCloud } from '../../cloud/cloud-client';
import type { ModelEntry } from '../../core/manifest';
import type { CloudAsker } from './predictor';

export function cloudAskerFor(model: ModelEntry): CloudAsker {
  return async (input, key, timeoutMs) => {
    const answer = await predictInCloud(model.name, input, { key, timeoutMs });
    const confidence = Math.max(...answer.probabilities);
    return { label: answer.label, confidence, probabilities: answer.probabilities, model: `${answer.model}@${answer.modelVersion}` };
  };
}
