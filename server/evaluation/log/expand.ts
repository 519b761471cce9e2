/**
 * A logged request's rows as written: probabilities from logits, the top
 * label, the input quantized to bytes (LOG_INPUTS) and its summary features.
 * Runs in the store thread, off the event loop.
 */
import { argmax, softmax } from '../../../src/core/math/probabilities';
import { featuresOf, type ProfileLayout } from '../layout';
import { quantizeInput } from '../../../src/core/preprocess/input-bytes';
import type { LogBatch, PredictionRow } from './records';

export function expandBatch(batch: LogBatch, layout: ProfileLayout | undefined, logInputs: boolean): PredictionRow[] {
  const rows = batch.keys.length;
  const classes = batch.scores.length / rows;
  const width = batch.inputs ? batch.inputs.length / rows : 0;
  return batch.keys.map((key, i) => {
    const scores = batch.scores.subarray(i * classes, (i + 1) * classes);
    const probabilities = batch.scoresAreLogits ? softmax(scores) : scores;
    const input = batch.inputs?.subarray(i * width, (i + 1) * width);
    return {
      key,
      model: batch.model,
      version: batch.version,
      source: batch.source,
      signature: batch.signature,
      time: batch.time,
      labelIndex: argmax(probabilities),
      probabilities,
      input: input && logInputs ? quantizeInput(input) : undefined,
      features: input && layout ? featuresOf(layout, input) : undefined,
      requestId: batch.requestId,
      latencyMs: batch.latencyMs,
      gateFired: undefined,
      answeredBy: undefined,
    };
  });
}
