/**
 * The event loop's handle on a session that lives in a worker thread, over the
 * worker RPC bridge. The thread is supervised: if it dies while serving (a
 * crash, `process.exit` inside it, a termination), the calls it held fail with
 * a 503 saying it is restarting, and a new thread is started on the same bytes
 * and options, prepared by the owner (tensors checked, warmed up) before it
 * serves again. Attempts back off, so a thread that dies at once on every
 * start does not spin.
 */
import { Worker } from 'node:worker_threads';
import { ServiceError } from '../../../src/core/api/errors';
import { RpcClient } from '../../../src/core/rpc/client';
import type { SessionOptions } from '../../../tools/onnx/runtime';
import type { SessionApi, TensorMetadata } from './session-api';

// Workers do not inherit tsx's loader; this plain-JS entry registers it, then loads session-thread.ts.
const ENTRY = new URL('./session-thread-entry.mjs', import.meta.url);

export interface RestartBackoff {
  /** Wait before the first restart attempt after a thread that had been stable dies. */
  readonly firstDelayMs: number;
  /** The wait doubles on each attempt that fails (or whose thread dies before it is stable), up to this. */
  readonly maxDelayMs: number;
  /** A thread that served this long before dying counts as stable: the next wait starts over. */
  readonly stableAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { firstDelayMs: 100, maxDelayMs: 5_000, stableAfterMs: 5_000 };

/** Readies a freshly loaded thread before it serves (checks, warm-up); throwing refuses it. */
export type PrepareThread = (thread: SessionThread) => Promise<void>;

/** One worker thread with its session loaded. */
export class SessionThread {
  private readonly worker: Worker;
  private readonly rpc: RpcClient<SessionApi>;
  private stopping: Promise<void> | undefined;
  private inputs: readonly TensorMetadata[] = [];
  private outputs: readonly TensorMetadata[] = [];
  /** How the thread ended (its crash, else its exit code), once it has. */
  stopDetail: string | undefined;

  /** `stoppedError` makes what the calls still waiting fail with when the thread dies; `onExit` hears of any exit. */
  constructor(stoppedError: (thread: SessionThread) => Error, onExit: (thread: SessionThread) => void) {
    this.worker = new Worker(ENTRY);
    const rpc = new RpcClient<SessionApi>((request, transfer) => this.worker.postMessage(request, transfer));
    this.rpc = rpc;
    const stopped = (detail: string) => {
      // An uncaught error in the thread is followed by its exit; the error says more, so it is kept.
      this.stopDetail ??= detail;
      rpc.stop(stoppedError(this));
    };
    this.worker.on('message', (message) => rpc.receive(message));
    this.worker.on('error', (error) => stopped(`it crashed: ${error.message}`));
    this.worker.on('exit', (code) => {
      stopped(`exit code ${code}`);
      onExit(this);
    });
  }

  get inputMetadata(): readonly TensorMetadata[] {
    return this.inputs;
  }

  get outputMetadata(): readonly TensorMetadata[] {
    return this.outputs;
  }

  async load(bytes: Uint8Array, options: SessionOptions): Promise<void> {
    // The bytes are copied, not handed over: a restart loads them again.
    const { inputs, outputs } = await this.rpc.call('load', { bytes, options });
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /** Runs one batch; `data` is handed over to the thread (do not reuse it). */
  run(input: string, output: string, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return this.rpc.call('run', { input, output, data: owned, dims }, [owned.buffer as ArrayBuffer]);
  }

  /**
   * Releases the session, then ends the thread; a failing release (a thread
   * already gone) still ends it. Never terminates first: ending a thread while
   * onnxruntime computes in it aborts the whole process, and the release waits
   * behind any run or load in progress. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.rpc.call('release', undefined).catch(() => undefined);
      this.rpc.stop(new Error('the inference thread was stopped'));
      await this.worker.terminate();
    })();
    return this.stopping;
  }
}

interface Waiter {
  readonly resolve: (available: boolean) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const restarting = (detail: string) =>
  new ServiceError('MODEL_UNAVAILABLE', `the model's inference thread stopped (${detail}) and is restarting; retry shortly`);
const shuttingDown = () => new ServiceError('SHUTTING_DOWN', 'the model is shutting down');

export class SessionWorker {
  /** The thread serving now; undefined while restarting and after close. */
  private current: SessionThread | undefined;
  /** A thread being started and prepared, not yet serving. */
  private starting: SessionThread | undefined;
  /** The restart attempt in progress (not one still waiting for its turn: that is `timer`). */
  private attempt: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiters = new Set<Waiter>();
  private closed = false;
  private closing: Promise<void> | undefined;
  private servingSince = 0;
  /** Attempts in a row that did not give a stable thread; sets the next wait. */
  private failures = 0;
  private restartCount = 0;
  private lastStop = '';

  private constructor(
    private readonly bytes: Uint8Array,
    private readonly options: SessionOptions,
    private readonly prepare: PrepareThread,
    private readonly backoff: RestartBackoff,
  ) {}

  /** Starts the first thread; any failure (load, prepare) rejects, with no thread left running. */
  static async open(
    bytes: Uint8Array,
    options: SessionOptions,
    prepare: PrepareThread = async () => undefined,
    backoff: RestartBackoff = DEFAULT_RESTART_BACKOFF,
  ): Promise<SessionWorker> {
    const supervisor = new SessionWorker(bytes, options, prepare, backoff);
    supervisor.serve(await supervisor.start());
    return supervisor;
  }

  /** Whether a thread is serving (false while restarting, and after close). */
  get available(): boolean {
    return this.current !== undefined;
  }

  /** Threads started to replace one that died (every attempt counts, failed ones too). */
  get restarts(): number {
    return this.restartCount;
  }

  /**
   * Resolves true once a thread serves (at once when one does), false if none
   * does within `timeoutMs`; rejects with SHUTTING_DOWN when closed meanwhile.
   */
  whenAvailable(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (this.current) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Runs one batch on the serving thread; `data` is handed over (do not reuse
   * it). While the thread restarts this fails at once with a 503, as do the
   * batches it held when it died.
   */
  run(input: string, output: string, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    if (this.current) return this.current.run(input, output, data, dims);
    return Promise.reject(this.closed ? shuttingDown() : restarting(this.lastStop));
  }

  /** Stops serving and restarting: releases the session, stops every thread, and resolves once none is left. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      clearTimeout(this.timer);
      this.timer = undefined;
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(shuttingDown());
      }
      this.waiters.clear();
      const serving = this.current;
      this.current = undefined;
      // A thread still starting stops once its load or warm-up run is over.
      await Promise.all([serving?.stop(), this.starting?.stop(), this.attempt]);
    })();
    return this.closing;
  }

  /** A new thread, loaded and prepared; on failure it is stopped and the error thrown. */
  private async start(): Promise<SessionThread> {
    const thread = new SessionThread(
      (stopped) =>
        // The serving thread's calls are the ones callers see: they learn that it restarts.
        stopped === this.current && !this.closed
          ? restarting(stopped.stopDetail ?? '')
          : new Error(`the inference thread stopped (${stopped.stopDetail ?? ''})`),
      (exited) => this.exited(exited),
    );
    this.starting = thread;
    try {
      await thread.load(this.bytes, this.options);
      // Closed meanwhile: no point warming up a thread that will not serve.
      if (this.closed) throw shuttingDown();
      await this.prepare(thread);
      return thread;
    } catch (error) {
      await thread.stop();
      throw error;
    } finally {
      if (this.starting === thread) this.starting = undefined;
    }
  }

  private serve(thread: SessionThread): void {
    this.current = thread;
    this.servingSince = performance.now();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(true);
    }
    this.waiters.clear();
  }

  private exited(thread: SessionThread): void {
    // Threads stopped on purpose, and threads that die while starting, are handled where they were stopped or started.
    if (this.closed || thread !== this.current) return;
    this.current = undefined;
    this.lastStop = thread.stopDetail ?? '';
    if (performance.now() - this.servingSince >= this.backoff.stableAfterMs) this.failures = 0;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = Math.min(this.backoff.maxDelayMs, this.backoff.firstDelayMs * 2 ** this.failures);
    this.failures++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attempt = this.restart().finally(() => {
        this.attempt = undefined;
      });
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.closed) return;
    this.restartCount++;
    let thread: SessionThread;
    try {
      thread = await this.start();
    } catch {
      if (!this.closed) this.scheduleRestart();
      return;
    }
    if (this.closed) await thread.stop();
    else this.serve(thread);
  }
}
