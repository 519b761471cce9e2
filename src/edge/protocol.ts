/**
 * What the edge worker offers the page, over the worker RPC bridge
 * (src/core/rpc): open the small model on a backend, run it, and report
 * download progress as events.
 */
export const BACKENDS = ['wasm', 'webgpu'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface InitRequest {
  readonly backend: Backend;
  readonly modelUrl: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputDims: readonly number[];
  /** WASM threads; 1 when the page is not cross-origin isolated. */
  readonly threads: number;
}

export interface InitResult {
  readonly backend: Backend;
  readonly threads: number;
  readonly loadMs: number;
}

export interface RunResult {
  readonly logits: Float32Array;
  /** Time of session.run alone, inside the worker. */
  readonly runMs: number;
}

/** What is downloading on a first visit: the onnxruntime-web binary or the model. */
export type DownloadKind = 'runtime' | 'model';

export interface DownloadProgress {
  readonly kind: DownloadKind;
  readonly loaded: number;
  /** 0 when the server did not say. */
  readonly total: number;
}

export type EdgeApi = {
  init(request: InitRequest): InitResult;
  /** The input is handed over; the logits come back handed over too. */
  run(input: Float32Array): RunResult;
};
