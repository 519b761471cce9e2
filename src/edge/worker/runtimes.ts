/**
 * Each backend's build of onnxruntime-web, loaded only when chosen: the WASM
 * build (14 MB binary) or the WebGPU one (27 MB). Both binaries are emitted
 * into the app's own build, never fetched from a CDN. Dynamic imports keep
 * onnxruntime in its own chunk, which its WASM threads load as their script.
 */
import wasmBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import webgpuBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { Backend } from '../protocol';

export type Ort = typeof import('onnxruntime-web/wasm');

export const RUNTIMES: Readonly<Record<Backend, { load: () => Promise<Ort>; binaryUrl: string; providers: string[] }>> = {
  wasm: { load: () => import('onnxruntime-web/wasm'), binaryUrl: wasmBinaryUrl, providers: ['wasm'] },
  webgpu: { load: () => import('onnxruntime-web/webgpu'), binaryUrl: webgpuBinaryUrl, providers: ['webgpu'] },
};
