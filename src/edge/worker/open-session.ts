/**
 * Loads the chosen onnxruntime-web build and opens the model on it. The
 * runtime binary and the model come from the app's own origin. onnxruntime
 * then compiles the binary by streaming it from its URL, which lets the
 * browser keep the compiled code for the next visit.
 */
import type { InferenceSession } from 'onnxruntime-web/wasm';
import type { DownloadProgress, InitRequest } from '../protocol';
import { download } from './download';
import { RUNTIMES, type Ort } from './runtimes';

/**
 * Makes sure the runtime binary is on the device: already in a service
 * worker cache (a repeat visit), or downloaded now with progress into the
 * browser's HTTP cache (its URL is content-hashed and immutable).
 */
async function ensureRuntime(url: string, report: (progress: DownloadProgress) => void): Promise<void> {
  const cached = await globalThis.caches?.match(url).catch(() => undefined);
  if (cached) return;
  await download(url, 'runtime', report);
}

export async function openSession(request: InitRequest, report: (progress: DownloadProgress) => void): Promise<{ ort: Ort; session: InferenceSession }> {
  const runtime = RUNTIMES[request.backend];
  if (request.backend === 'webgpu' && !(await navigator.gpu?.requestAdapter())) {
    throw new Error('WebGPU was asked for, but this browser offers no WebGPU adapter');
  }
  const [ort, model] = await Promise.all([runtime.load(), download(request.modelUrl, 'model', report), ensureRuntime(runtime.binaryUrl, report)]);
  // Node placement notes from onnxruntime are not errors; keep the console for real ones.
  ort.env.logLevel = 'error';
  ort.env.wasm.wasmPaths = { wasm: new URL(runtime.binaryUrl, self.location.href).href };
  ort.env.wasm.numThreads = request.threads;
  const session = await ort.InferenceSession.create(model, { executionProviders: runtime.providers, graphOptimizationLevel: 'all' });
  return { ort, session };
}
