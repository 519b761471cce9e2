/** The page's typed handle on the edge worker, over the worker RPC bridge: promises in, errors passed back. */
import { RpcClient } from '../core/rpc/client';
import type { DownloadProgress, EdgeApi, InitRequest, InitResult, RunResult } from './protocol';

export class EdgeClient {
  private readonly worker: Worker;
  private readonly rpc: RpcClient<EdgeApi, DownloadProgress>;

  constructor(onProgress?: (progress: DownloadProgress) => void) {
    this.worker = new Worker(new URL('./worker/edge.worker.ts', import.meta.url), { type: 'module', name: 'edge' });
    this.rpc = new RpcClient((request, transfer) => this.worker.postMessage(request, transfer), onProgress);
    this.worker.onmessage = (event) => this.rpc.receive(event.data);
    this.worker.onerror = (event) => this.rpc.stop(new Error(`edge worker failed: ${event.message}`));
  }

  init(request: InitRequest): Promise<InitResult> {
    return this.rpc.call('init', request);
  }

  /** Runs the model on one input; the input is copied, the caller keeps its own. */
  run(input: Float32Array): Promise<RunResult> {
    const copy = input.slice();
    return this.rpc.call('run', copy, [copy.buffer]);
  }

  /** Stops the worker; calls still waiting reject, since a stopped worker never answers. */
  terminate(): void {
    this.worker.terminate();
    this.rpc.stop(new Error('the edge worker was stopped'));
  }
}
