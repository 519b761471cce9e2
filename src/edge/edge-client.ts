import type { DownloadProgress, EdgeRequest, EdgeResponse, InitRequest, InitResult, RunResult } from './protocol';

type Pending = { resolve: (value: InitResult | RunResult) => void; reject: (error: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The page's typed handle on the edge worker: promises in, errors passed back. */
export class EdgeClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(onProgress?: (progress: DownloadProgress) => void) {
    this.worker = new Worker(new URL('./worker/edge.worker.ts', import.meta.url), { type: 'module', name: 'edge' });
    this.worker.onmessage = (event: MessageEvent<EdgeResponse>) => {
      const message = event.data;
      if ('progress' in message) {
        onProgress?.(message.progress);
        return;
      }
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) call?.resolve(message.result);
      else call?.reject(new Error(message.error));
    };
    this.worker.onerror = (event) => {
      const error = new Error(`edge worker failed: ${event.message}`);
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
  }

  private call(request: WithoutId<EdgeRequest>, transfer: Transferable[] = []): Promise<InitResult | RunResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  init(request: Omit<InitRequest, 'type'>): Promise<InitResult> {
    return this.call({ type: 'init', ...request }) as Promise<InitResult>;
  }

  /** Runs the model on one input; the input is copied, the caller keeps its own. */
  run(input: Float32Array): Promise<RunResult> {
    const copy = input.slice();
    return this.call({ type: 'run', input: copy }, [copy.buffer]) as Promise<RunResult>;
  }

  terminate(): void {
    this.worker.terminate();
  }
}
