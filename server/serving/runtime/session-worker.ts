/** The event loop's handle on a session that lives in a worker thread, over the worker RPC bridge. */
import { Worker } from 'node:worker_threads';
import { RpcClient } from '../../../src/core/rpc/client';
import type { SessionOptions } from '../../../tools/onnx/runtime';
import type { SessionApi, TensorMetadata } from './session-api';

// Workers do not inherit tsx's loader; this plain-JS entry registers it, then loads session-thread.ts.
const ENTRY = new URL('./session-thread-entry.mjs', import.meta.url);

export class SessionWorker {
  private constructor(
    private readonly worker: Worker,
    private readonly rpc: RpcClient<SessionApi>,
    readonly inputMetadata: readonly TensorMetadata[],
    readonly outputMetadata: readonly TensorMetadata[],
  ) {}

  static async open(bytes: Uint8Array, options: SessionOptions): Promise<SessionWorker> {
    const worker = new Worker(ENTRY);
    const rpc = new RpcClient<SessionApi>((request, transfer) => worker.postMessage(request, transfer));
    worker.on('message', (message) => rpc.receive(message));
    worker.on('error', (error) => rpc.stop(new Error(`inference thread crashed: ${error.message}`)));
    worker.on('exit', (code) => rpc.stop(new Error(`inference thread exited (code ${code})`)));
    try {
      const { inputs, outputs } = await rpc.call('load', { bytes, options });
      return new SessionWorker(worker, rpc, inputs, outputs);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  /** Runs one batch; `data` is handed over to the thread (do not reuse it). */
  run(input: string, output: string, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return this.rpc.call('run', { input, output, data: owned, dims }, [owned.buffer as ArrayBuffer]);
  }

  /** Releases the session, then stops the thread; a failing release still stops it. */
  async close(): Promise<void> {
    await this.rpc.call('release', undefined).catch(() => undefined);
    this.rpc.stop(new Error('the inference thread was stopped'));
    await this.worker.terminate();
  }
}
