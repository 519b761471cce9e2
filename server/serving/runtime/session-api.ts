/** What an inference thread offers the event loop, over the worker RPC bridge (src/core/rpc). */
import type { SessionOptions, TensorMetadata } from '../../../tools/onnx/runtime';

export type { TensorMetadata };

export type SessionApi = {
  /** Opens the session on the model's bytes; answers with its tensors. */
  load(params: { readonly bytes: Uint8Array; readonly options: SessionOptions }): { inputs: TensorMetadata[]; outputs: TensorMetadata[] };
  /** One batch: `data` is handed over; the output comes back handed over too. */
  run(params: { readonly input: string; readonly output: string; readonly data: Float32Array; readonly dims: readonly number[] }): Float32Array;
  release(params: undefined): void;
};
