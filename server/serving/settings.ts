/**
 * What the serving core needs to know, whoever hosts it (the API server, a
 * batch worker): where the model registry is, how sessions compute, and how
 * each model batches. The API server's settings extend these.
 */
import { z } from 'zod';

export const positiveInt = z.coerce.number().int().positive();

export const BatchingSchema = z.object({
  maxBatchSize: positiveInt.max(4096),
  maxQueueDelayMs: z.coerce.number().min(0).max(1000),
  maxQueueRows: positiveInt.max(1_000_000),
});
export type BatchingSettings = z.infer<typeof BatchingSchema> & { readonly enabled: boolean };

export interface ServingSettings {
  /** The model registry folder: `manifest.json` and `<name>/<version>/model.onnx`. */
  readonly modelRegistry: string;
  readonly intraOpThreads: number;
  /** Let onnxruntime's threads spin-wait between runs (lower latency, but burns CPU the event loop could use). */
  readonly intraOpSpinning: boolean;
  readonly batching: BatchingSettings;
  readonly modelBatching: Readonly<Record<string, Partial<z.infer<typeof BatchingSchema>>>>;
}

/** The batching settings of one model: the global ones with its overrides applied. */
export function batchingFor(settings: ServingSettings, model: string): BatchingSettings {
  return { ...settings.batching, ...settings.modelBatching[model] };
}
