/**
 * Messages between the page and the edge worker. Every request carries an id;
 * the worker answers it once, with a result or an error message.
 */
export const BACKENDS = ['wasm', 'webgpu'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface InitRequest {
  readonly type: 'init';
  readonly backend: Backend;
  readonly modelUrl: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputDims: readonly number[];
  /** WASM threads; 1 when the page is not cross-origin isolated. */
  readonly threads: number;
}

export interface RunRequest {
  readonly type: 'run';
  readonly input: Float32Array;
}

export type EdgeRequest = (InitRequest | RunRequest) & { readonly id: number };

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

export type EdgeResponse =
  | { readonly id: number; readonly ok: true; readonly result: InitResult | RunResult }
  | { readonly id: number; readonly ok: false; readonly error: string }
  | { readonly id: -1; readonly progress: DownloadProgress };

/** The server's header for a compressed file's decoded size (server/http/static-app.ts), for download progress. */
export const DECODED_LENGTH_HEADER = 'x-decoded-content-length';
