/**
 * Keyed predictions: instances with client keys in, one prediction per key
 * out, under a signature. Cheap signatures go through the model's batcher in
 * one submission; explain runs behind its own concurrency limit and at low
 * priority in the batcher, so it cannot take over the cheap path. Used by the `:predict` route, and by anything
 * else that predicts by key.
 */
import type { Prediction, SignatureName } from '../../../src/core/api/predict';
import type { ServingModel } from '../model';
import { occlusionMap } from './explain';
import type { ParsedInstance } from './instances';
import { ConcurrencyLimiter } from './limiter';
import { predictionsFrom } from './signatures';

export interface KeyedPredictorOptions {
  /** How long a request may wait for model capacity. */
  readonly timeoutMs: number;
  readonly explain: { readonly concurrency: number; readonly maxWaiting: number };
}

export class KeyedPredictor {
  private readonly explainLimiter: ConcurrencyLimiter;

  constructor(private readonly options: KeyedPredictorOptions) {
    this.explainLimiter = new ConcurrencyLimiter(options.explain.concurrency, options.explain.maxWaiting, 'explain', 'EXPLAIN_BUSY');
  }

  predict(model: ServingModel, instances: readonly ParsedInstance[], signature: SignatureName): Promise<Prediction[]> {
    return signature === 'explain' ? this.explain(model, instances) : this.cheap(model, instances, signature);
  }

  private async cheap(model: ServingModel, instances: readonly ParsedInstance[], signature: SignatureName): Promise<Prediction[]> {
    const input = new Float32Array(instances.length * model.rowSize);
    instances.forEach((p, i) => input.set(p.input, i * model.rowSize));
    const logits = await model.infer(input, instances.length, this.options.timeoutMs);
    return predictionsFrom(
      instances.map((p) => p.key),
      logits,
      model,
      signature,
    );
  }

  private explain(model: ServingModel, instances: readonly ParsedInstance[]): Promise<Prediction[]> {
    // Low priority: while cheap rows wait, each batch holds at most a small share of occlusion rows.
    const run = (input: Float32Array, rows: number) => model.infer(input, rows, this.options.timeoutMs, 'low');
    return this.explainLimiter.run(async () => {
      const predictions: Prediction[] = [];
      for (const instance of instances) {
        // The occlusion runs include the untouched input, so its logits come with the map.
        const { explanation, logits } = await occlusionMap(model, instance.input, run);
        predictions.push({ ...(predictionsFrom([instance.key], logits, model, 'serving_default')[0] as Prediction), explanation });
      }
      return predictions;
    });
  }
}
