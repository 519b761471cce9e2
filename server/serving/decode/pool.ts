/**
 * A pool of decoding threads: PNG instances are inflated, decoded and
 * preprocessed off the event loop, so that HTTP (liveness above all) keeps
 * answering while large images decode. Threads start when work arrives, up to
 * the pool's size, and never hold the process open; each decodes one image at
 * a time and takes the oldest waiting one when it is free. A caller that gives
 * up (its signal aborts) is answered at once: an image still waiting is never
 * decoded, one already decoding is finished and dropped. A thread that dies
 * fails the image it held and is replaced by the next image.
 */
import { Worker } from 'node:worker_threads';
import { ServiceError } from '../../../src/core/api/errors';
import { RpcClient } from '../../../src/core/rpc/client';
import type { DecodeApi, DecodeRequest } from './decode-api';
import type { ImageJob } from './decode-image';

// Workers do not inherit tsx's loader; this plain-JS entry registers it, then loads decode-thread.ts.
const ENTRY = new URL('./decode-thread-entry.mjs', import.meta.url);

const shuttingDown = () => new ServiceError('SHUTTING_DOWN', 'the server is shutting down');

interface Waiting {
  readonly request: DecodeRequest;
  readonly resolve: (input: Float32Array) => void;
  readonly reject: (error: unknown) => void;
}

class DecodeThread {
  readonly worker = new Worker(ENTRY);
  readonly rpc = new RpcClient<DecodeApi>((request, transfer) => this.worker.postMessage(request, transfer));
  busy = false;
}

export class DecodePool {
  private readonly threads: DecodeThread[] = [];
  private readonly queue: Waiting[] = [];
  private closed = false;
  private started = 0;

  /** `size`: the most threads decoding at once. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a decode pool needs at least one thread, got ${size}`);
  }

  /** Threads started so far, replacements included. */
  get threadsStarted(): number {
    return this.started;
  }

  /** Images waiting for a free thread. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * The model input for one checked PNG, decoded in a thread. Rejects with the
   * keyed API's error for an image that does not decode, with `signal`'s
   * reason as soon as it aborts, and with SHUTTING_DOWN once the pool closes.
   */
  decode(job: ImageJob, signal?: AbortSignal): Promise<Float32Array> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { png, ink, preprocessing } = job;
    // A copy of exactly the PNG's bytes, handed over to the thread.
    const request: DecodeRequest = { ...png, bytes: new Uint8Array(png.bytes), ink, preprocessing };
    return new Promise<Float32Array>((resolve, reject) => {
      const abort = () => {
        const at = this.queue.indexOf(waiting);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal?.reason);
      };
      const waiting: Waiting = {
        request,
        resolve: (input) => {
          signal?.removeEventListener('abort', abort);
          resolve(input);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.queue.push(waiting);
      this.dispatch();
    });
  }

  /** Fails the images waiting and stops every thread; later calls fail with SHUTTING_DOWN. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queue.splice(0)) waiting.reject(shuttingDown());
    const threads = this.threads.splice(0);
    for (const thread of threads) thread.rpc.stop(shuttingDown());
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      const thread = this.threads.find((t) => !t.busy) ?? (this.threads.length < this.size ? this.start() : undefined);
      if (!thread) return;
      const waiting = this.queue.shift() as Waiting;
      thread.busy = true;
      thread.rpc
        .call('decode', waiting.request, [waiting.request.bytes.buffer as ArrayBuffer])
        .then((outcome) => (outcome.ok ? waiting.resolve(outcome.input) : waiting.reject(new ServiceError(outcome.code, outcome.message))), waiting.reject)
        .finally(() => {
          thread.busy = false;
          this.dispatch();
        });
    }
  }

  private start(): DecodeThread {
    const thread = new DecodeThread();
    this.started++;
    // Decoding threads never keep the process alive on their own.
    thread.worker.unref();
    let detail: string | undefined;
    const stopped = (what: string) => {
      // An uncaught error in the thread is followed by its exit; the error says more, so it is kept.
      detail ??= what;
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      thread.rpc.stop(this.closed ? shuttingDown() : new ServiceError('INTERNAL', `the image decoding thread stopped (${detail})`));
    };
    thread.worker.on('message', (message) => thread.rpc.receive(message));
    thread.worker.on('error', (error) => stopped(`it crashed: ${error.message}`));
    thread.worker.on('exit', (code) => {
      stopped(`exit code ${code}`);
      this.dispatch();
    });
    this.threads.push(thread);
    return thread;
  }
}
