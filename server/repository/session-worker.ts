import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { FromThread, TensorMetadata, ToThread } from './session-protocol';

const ENTRY = new URL('./session-thread-entry.mjs', import.meta.url);

interface PendingRun {
  readonly resolve: (data: Float32Array) => void;
  readonly reject: (error: Error) => void;
}

/** The event loop's handle on a session that lives in a worker thread. */
export class SessionWorker {
  private readonly pending = new Map<number, PendingRun>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly inputMetadata: readonly TensorMetadata[],
    readonly outputMetadata: readonly TensorMetadata[],
  ) {
    worker.on('message', (message: FromThread) => {
      if (message.type !== 'result' && message.type !== 'run-failed') return;
      const run = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') run?.resolve(message.data);
      else run?.reject(new Error(`inference failed: ${message.message}`));
    });
    const stop = (error: Error) => {
      this.failure = error;
      for (const run of this.pending.values()) run.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => stop(new Error(`inference thread crashed: ${error.message}`)));
    worker.on('exit', (code) => stop(new Error(`inference thread exited (code ${code})`)));
  }

  static async open(bytes: Uint8Array, options: InferenceSession.SessionOptions): Promise<SessionWorker> {
    const worker = new Worker(ENTRY);
    const loaded = await new Promise<FromThread>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ type: 'load', bytes, options } satisfies ToThread);
    });
    if (loaded.type !== 'loaded') {
      await worker.terminate();
      throw new Error(loaded.type === 'load-failed' ? loaded.message : `unexpected message ${loaded.type}`);
    }
    return new SessionWorker(worker, loaded.inputs, loaded.outputs);
  }

  /** Runs one batch; `data` is handed over to the thread (do not reuse it). */
  run(input: string, output: string, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      this.worker.postMessage({ type: 'run', id, input, output, data: owned, dims } satisfies ToThread, [owned.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    if (!this.failure) {
      await new Promise<void>((resolve) => {
        this.worker.once('message', () => resolve());
        this.worker.postMessage({ type: 'release' } satisfies ToThread);
      });
    }
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
