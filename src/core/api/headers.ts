/** HTTP headers the server, the Vite dev server and the PWA agree on: one definition each. */

/**
 * Cross-origin isolation lets onnxruntime-web use WASM threads
 * (SharedArrayBuffer); every response carries these, in production and in
 * development, so any page or worker served is isolated.
 */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** A precompressed file's decoded size, so download progress can show a fraction. */
export const DECODED_LENGTH_HEADER = 'x-decoded-content-length';
