/**
 * How the edge worker is set up for the edge model, shared by the app and the
 * edge benchmark so both open it the same way.
 */
import type { ModelEntry } from '../core/manifest';
import type { InitRequest } from './protocol';

/** What the worker needs to open the edge model, read from the manifest. */
export function initRequestFor(model: ModelEntry, backend: InitRequest['backend']): InitRequest {
  const input = model.inputs[0];
  const output = model.outputs[0];
  if (!input || !output) throw new Error(`model ${model.name} names no input or output`);
  return {
    backend,
    modelUrl: `/models/${model.file}`,
    inputName: input.name,
    outputName: output.name,
    // One drawing at a time: the batch axis is 1.
    inputDims: input.shape.map((d) => (d === -1 ? 1 : d)),
    threads: wasmThreads(),
  };
}

/** Threads need SharedArrayBuffer, which only a cross-origin isolated page has. */
export function wasmThreads(): number {
  return globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
}
