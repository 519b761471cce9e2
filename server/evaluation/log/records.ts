/**
 * What the prediction log holds. Serving hands over one answered request at a
 * time (cheap to make on the request path); the log expands it into rows,
 * one per instance, when it writes.
 */

export const LOG_SOURCES = ['cloud', 'edge', 'batch', 'shadow'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

/** Where and when an answer was given: shared by all its logged rows. */
export interface AnswerOrigin {
  readonly model: string;
  readonly version: string;
  readonly source: LogSource;
  readonly signature: string;
  /** Epoch milliseconds of the answer. */
  readonly time: number;
  readonly requestId: string | undefined;
  readonly latencyMs: number | undefined;
}

/** One answered request of a served model: its instances' keys, scores and inputs. */
export interface AnsweredRequest extends AnswerOrigin {
  readonly keys: readonly string[];
  /** The scores of the instance at a position, as logits or already as probabilities. */
  readonly scores: (row: number) => ArrayLike<number>;
  readonly scoresAreLogits: boolean;
  /** The model input of the instance at a position (features come from it; LOG_INPUTS decides whether it is kept). */
  readonly input: ((row: number) => ArrayLike<number>) | undefined;
}

/** The sampled rows of one answered request, flat: what travels to the store thread (structured-cloneable). */
export interface LogBatch extends AnswerOrigin {
  readonly keys: readonly string[];
  /** keys.length rows of scores. */
  readonly scores: Float32Array;
  readonly scoresAreLogits: boolean;
  /** keys.length rows of model input, when the model input is known. */
  readonly inputs: Float32Array | undefined;
}

/** One logged prediction, as written. */
export interface PredictionRow {
  readonly key: string;
  readonly model: string;
  readonly version: string;
  readonly source: LogSource;
  readonly signature: string;
  readonly time: number;
  readonly labelIndex: number;
  readonly probabilities: ArrayLike<number>;
  /** The input quantized to uint8 (ink 0..1 to 0..255). */
  readonly input: Uint8Array | undefined;
  /** Summary features of the input, in the model version's layout order. */
  readonly features: readonly number[] | undefined;
  readonly requestId: string | undefined;
  readonly latencyMs: number | undefined;
  readonly gateFired: boolean | undefined;
  readonly answeredBy: string | undefined;
}
