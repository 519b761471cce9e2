/// <reference lib="webworker" />
/**
 * Phase one: the small model's onnxruntime-web session, off the main thread.
 * Requests are handled one at a time, in order (the bridge's rule), so calls
 * to the session never overlap.
 */
import type { InferenceSession } from 'onnxruntime-web/wasm';
import type { RpcMessage } from '../../core/rpc/messages';
import { serveRpc, Transfer } from '../../core/rpc/server';
import type { DownloadProgress, EdgeApi, InitRequest, InitResult, RunResult } from '../protocol';
import { openSession } from './open-session';
import type { Ort } from './runtimes';

declare const self: DedicatedWorkerGlobalScope;

let ort: Ort | undefined;
let session: InferenceSession | undefined;
let spec: InitRequest | undefined;

const post = (message: RpcMessage<DownloadProgress>, transfer: ArrayBuffer[] = []) => self.postMessage(message, transfer);

async function init(request: InitRequest): Promise<InitResult> {
  if (session) throw new Error('the edge worker is already initialised; start a new worker for another model or backend');
  const started = performance.now();
  ({ ort, session } = await openSession(request, (progress) => post({ event: progress })));
  spec = request;
  // Warm-up: the first run allocates (and on WebGPU compiles shaders); do it before the user draws.
  await run(new Float32Array(request.inputDims.reduce((a, b) => a * b, 1)));
  return { backend: request.backend, threads: request.backend === 'wasm' ? request.threads : 1, loadMs: performance.now() - started };
}

async function run(input: Float32Array): Promise<RunResult> {
  if (!ort || !session || !spec) throw new Error('the edge model is not loaded yet');
  const started = performance.now();
  const feeds = { [spec.inputName]: new ort.Tensor('float32', input, [...spec.inputDims]) };
  const output = (await session.run(feeds))[spec.outputName];
  if (!output) throw new Error(`the edge model has no output named "${spec.outputName}"`);
  const logits = new Float32Array(output.data as Float32Array);
  return { logits, runMs: performance.now() - started };
}

const listener = serveRpc<EdgeApi, DownloadProgress>(
  {
    init,
    async run(input) {
      const result = await run(input);
      return new Transfer(result, [result.logits.buffer as ArrayBuffer]);
    },
  },
  post,
);
self.onmessage = (event: MessageEvent) => listener(event.data);
