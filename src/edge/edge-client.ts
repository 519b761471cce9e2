import type { DownloadProgress, EdgeRequest, EdgeResponse, InitRequest, InitResult, RunResult } from './protocol';

type Pending = { resolve: (value: InitResult | RunResult) => void; reject: (error: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The page's typed handle on the edge worker: promises in, errors passed back. */
export class EdgeClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private terminated = false;

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
    this.worker.onerror = (event) => this.failAll(new Error(`edge worker failed: ${event.message}`));
  }

  private failAll(error: Error): void {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  private call(request: WithoutId<EdgeRequest>, transfer: Transferable[] = []): Promise<InitResult | RunResult> {
    if (this.terminated) return Promise.reject(new Error('the edge worker was stopped'));
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

  /** Stops the worker; calls still waiting reject, since a stopped worker never answers. */
  terminate(): void {
    this.terminated = true;
    this.worker.terminate();
    this.failAll(new Error('the edge worker was stopped'));
  }
}
