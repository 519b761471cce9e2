/// <reference lib="webworker" />
import * as ort from 'onnxruntime-web/wasm';
import type { EdgeRequest, EdgeResponse, InitRequest, InitResult, RunResult } from '../protocol';

/**
 * Phase one: the small model's onnxruntime-web session, off the main thread.
 * Requests are handled one at a time, in order, so calls to the session never overlap.
 */
declare const self: DedicatedWorkerGlobalScope;

let session: ort.InferenceSession | undefined;
let spec: InitRequest | undefined;
let queue: Promise<void> = Promise.resolve();

const post = (message: EdgeResponse, transfer: Transferable[] = []) => self.postMessage(message, transfer);

/** Downloads the model, reporting progress, so a first visit can show it. */
async function fetchModel(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`model download failed: ${url} answered ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    post({ id: -1, progress: { loaded, total } });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function init(request: InitRequest): Promise<InitResult> {
  const started = performance.now();
  ort.env.wasm.numThreads = request.threads;
  const bytes = await fetchModel(request.modelUrl);
  session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  spec = request;
  // Warm-up: the first run allocates; do it before the user draws.
  await run(new Float32Array(request.inputDims.reduce((a, b) => a * b, 1)));
  return { backend: 'wasm', threads: request.threads, loadMs: performance.now() - started };
}

async function run(input: Float32Array): Promise<RunResult> {
  if (!session || !spec) throw new Error('the edge model is not loaded yet');
  const started = performance.now();
  const feeds = { [spec.inputName]: new ort.Tensor('float32', input, [...spec.inputDims]) };
  const output = (await session.run(feeds))[spec.outputName];
  const logits = new Float32Array(output?.data as Float32Array);
  return { logits, runMs: performance.now() - started };
}

self.onmessage = (event: MessageEvent<EdgeRequest>) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      const result = request.type === 'init' ? await init(request) : await run(request.input);
      post({ id: request.id, ok: true, result }, 'logits' in result ? [result.logits.buffer] : []);
    } catch (error) {
      post({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
};
