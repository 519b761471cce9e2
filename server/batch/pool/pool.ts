/**
 * The local pool: worker threads, each with its own session of the job's
 * model (one core each, so the pool's size is the parallelism), each running
 * whole chunks. A chunk goes to a free thread; a thread that dies fails the
 * chunk it held (the coordinator retries it) and is replaced for the next.
 * `stop()` makes running chunks give up at their next batch, leaving no
 * output; threads are never terminated while they compute (that aborts the
 * process with onnxruntime), only after releasing their model.
 */
import { Worker } from 'node:worker_threads';
import { RpcClient } from '../../../src/core/rpc/client';
import type { RpcMessage } from '../../../src/core/rpc/messages';
import { ChunkAbandoned } from '../chunk/process-chunk';
import type { BatchJob, ChunkResult } from '../job/spec';
import type { PoolApi, PoolEvent } from './pool-api';

// Workers do not inherit tsx's loader; this plain-JS entry registers it, then loads pool-thread.ts.
const ENTRY = new URL('./pool-thread-entry.mjs', import.meta.url);

/** Runs chunks somewhere: the local pool, or (later) a queue. */
export interface ChunkRunner {
  run(chunk: number): Promise<ChunkResult>;
  /** Running chunks give up at their next batch; their output is never committed. */
  stop(): void;
  close(): Promise<void>;
}

class PoolThread {
  readonly worker = new Worker(ENTRY);
  readonly rpc: RpcClient<PoolApi, PoolEvent>;
  busy = false;
  exited = false;

  constructor(onEvent: (event: PoolEvent) => void, onExit: (thread: PoolThread) => void) {
    this.rpc = new RpcClient<PoolApi, PoolEvent>((request, transfer) => this.worker.postMessage(request, transfer), onEvent);
    let detail: string | undefined;
    this.worker.on('message', (message: RpcMessage<PoolEvent>) => this.rpc.receive(message));
    this.worker.on('error', (error) => (detail ??= `it crashed: ${error.message}`));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.rpc.stop(new Error(`a batch pool thread stopped (${detail ?? `exit code ${code}`})`));
      onExit(this);
    });
  }
}

interface Waiting {
  readonly chunk: number;
  readonly resolve: (result: ChunkResult) => void;
  readonly reject: (error: unknown) => void;
}

export class LocalPool implements ChunkRunner {
  private readonly threads: PoolThread[] = [];
  private readonly queue: Waiting[] = [];
  private readonly stopFlag = new SharedArrayBuffer(4);
  private closed = false;

  private constructor(
    private readonly job: BatchJob,
    readonly size: number,
    private readonly onEvent: (event: PoolEvent) => void,
    private readonly background: boolean,
  ) {}

  /**
   * Starts `size` threads and loads the model in each; any failure closes them all and rejects.
   * `background` runs the threads at the lowest priority (a job inside the server, beside online requests).
   */
  static async open(
    job: BatchJob,
    size: number,
    onEvent: (event: PoolEvent) => void = () => undefined,
    { background = false }: { readonly background?: boolean } = {},
  ): Promise<LocalPool> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a batch pool needs at least one thread, got ${size}`);
    const pool = new LocalPool(job, size, onEvent, background);
    try {
      await Promise.all(Array.from({ length: size }, () => pool.start()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  run(chunk: number): Promise<ChunkResult> {
    if (this.closed) return Promise.reject(new Error('the batch pool is closed'));
    return new Promise<ChunkResult>((resolve, reject) => {
      this.queue.push({ chunk, resolve, reject });
      this.dispatch();
    });
  }

  stop(): void {
    Atomics.store(new Int32Array(this.stopFlag), 0, 1);
    for (const waiting of this.queue.splice(0)) waiting.reject(new ChunkAbandoned(`chunk ${waiting.chunk} was stopped before it started`));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    const threads = this.threads.splice(0);
    await Promise.all(
      threads.map(async (thread) => {
        // Waits behind a chunk still running (the bridge serves one call at a time), then releases the model.
        await thread.rpc.call('close', undefined).catch(() => undefined);
        await thread.worker.terminate();
      }),
    );
  }

  private async start(): Promise<PoolThread> {
    const thread = new PoolThread(this.onEvent, (gone) => {
      const at = this.threads.indexOf(gone);
      if (at >= 0) this.threads.splice(at, 1);
      this.dispatch();
    });
    this.threads.push(thread);
    thread.busy = true;
    try {
      await thread.rpc.call('open', { job: this.job, stop: this.stopFlag, background: this.background });
    } catch (error) {
      thread.busy = false;
      throw error;
    }
    thread.busy = false;
    return thread;
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      const thread = this.threads.find((t) => !t.busy && !t.exited);
      if (!thread) {
        // A thread died: replace it, then come back here.
        if (this.threads.length < this.size) {
          this.start().then(
            () => this.dispatch(),
            (error: unknown) => this.queue.shift()?.reject(error),
          );
        }
        return;
      }
      const waiting = this.queue.shift() as Waiting;
      thread.busy = true;
      thread.rpc
        .call('process', { chunk: waiting.chunk })
        .then(waiting.resolve, (error: unknown) =>
          waiting.reject(error instanceof Error && error.name === 'ChunkAbandoned' ? new ChunkAbandoned(error.message) : error),
        )
        .finally(() => {
          thread.busy = false;
          this.dispatch();
        });
    }
  }
}
