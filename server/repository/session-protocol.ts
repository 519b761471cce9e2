import type { SessionOptions } from '../../tools/onnx/runtime';

export { sessionOptions } from '../../tools/onnx/runtime';

/** Messages between the server's event loop and an inference worker thread. */
export type ToThread =
  | { readonly type: 'load'; readonly bytes: Uint8Array; readonly options: SessionOptions }
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
