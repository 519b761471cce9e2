import type { InferenceSession } from 'onnxruntime-node';

/** Messages between the server's event loop and an inference worker thread. */
export type ToThread =
  | { readonly type: 'load'; readonly bytes: Uint8Array; readonly options: InferenceSession.SessionOptions }
  | { readonly type: 'run'; readonly id: number; readonly input: string; readonly output: string; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'release' };

export interface TensorMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

export type FromThread =
  | { readonly type: 'loaded'; readonly inputs: TensorMetadata[]; readonly outputs: TensorMetadata[] }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly data: Float32Array }
  | { readonly type: 'run-failed'; readonly id: number; readonly message: string }
  | { readonly type: 'released' };

/** The session options every copy of a model uses, in the server and in the benchmarks. */
export function sessionOptions(intraOpThreads: number, spinning: boolean): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  };
}
