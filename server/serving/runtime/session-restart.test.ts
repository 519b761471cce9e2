/**
 * A model whose inference thread dies recovers on its own: the calls the
 * thread held fail with a 503 saying it restarts, calls arriving meanwhile
 * wait and are served, and a new thread on the same model file gives the
 * logits onnxruntime gives on that file (tools/onnx/evaluate.ts, the oracle).
 * A thread that dies at every start is retried with a growing wait, and
 * closing the model then still returns promptly with no thread left running;
 * the wait starts over once a thread has served for a while.
 *
 * The threads die for real, by `process.exit()` inside them. The test wraps
 * the Worker class of node:worker_threads so that each inference thread runs
 * the real entry plus a listener that exits on a test message, so the product
 * needs no kill switch of its own. (Not `Worker.terminate()`: ending a thread
 * while onnxruntime computes in it aborts the whole process.)
 */
import { readFileSync } from 'node:fs';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../../../src/core/api/errors';
import { drawnPixels, packModel } from '../../../test/drawn-digits';
import { runRows } from '../../../tools/onnx/evaluate';
import { sessionOptions } from '../../../tools/onnx/runtime';
import { loadConfig } from '../../config';
import { loadModel, type ServingModel } from '../model';
import { batchingFor } from '../settings';
import { SessionWorker } from './session-worker';

const threads = vi.hoisted(() => ({
  started: [] as { worker: NodeWorker; at: number }[],
  exited: new Set<NodeWorker>(),
  /** Threads started while this is set exit as soon as they are asked to load a model. */
  dieOnLoad: false,
  /** Called before each message is posted to a thread (so a message it posts arrives first). */
  onPost: undefined as ((worker: NodeWorker, message: unknown) => void) | undefined,
}));

vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  // Runs the real entry, then also listens for { exitThread: code }; the listener comes last, so the
  // messages posted before the entry listens still reach it. Dying on load listens at once instead.
  const thread = `
    const { parentPort, workerData } = require('node:worker_threads');
    if (workerData.dieOnLoad) parentPort.once('message', () => process.exit(3));
    else import(workerData.entry).then(() => parentPort.on('message', (m) => m?.exitThread !== undefined && process.exit(m.exitThread)));
  `;
  class TrackedWorker extends original.Worker {
    constructor(entry: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(thread, { ...options, eval: true, workerData: { entry: String(entry), dieOnLoad: threads.dieOnLoad } });
      threads.started.push({ worker: this, at: performance.now() });
      this.once('exit', () => threads.exited.add(this));
    }

    override postMessage(...args: Parameters<NodeWorker['postMessage']>): void {
      threads.onPost?.(this, args[0]);
      super.postMessage(...args);
    }
  }
  return { ...original, Worker: TrackedWorker };
});

const settings = loadConfig({ LOG_LEVEL: 'silent', MAX_BATCH_SIZE: '16' });
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The full model's output classes, as the pack's manifest gives them. */
const CLASSES = packModel('digits-full').labels.length;

let oracle: Float32Array[];
const load = (name: string): Promise<ServingModel> =>
  loadModel('public/models', packModel(name), {
    intraOpThreads: settings.intraOpThreads,
    intraOpSpinning: settings.intraOpSpinning,
    batching: batchingFor(settings, name),
  });

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await sleep(10);
  }
}

const isRun = (message: unknown) => (message as { method?: unknown } | null)?.method === 'run';

beforeAll(async () => {
  oracle = await runRows(readFileSync('public/models/digits-full/1/model.onnx'), {
    shape: [DIGITS.length, 1, 28, 28],
    data: Float32Array.from(DIGITS.flatMap((d) => drawnPixels(d))),
  });
});

let model: ServingModel | undefined;
afterEach(async () => {
  threads.dieOnLoad = false;
  threads.onPost = undefined;
  await model?.close();
  model = undefined;
});

describe('a model whose inference thread dies', () => {
  it('fails the calls in flight with a 503, serves the others, and restarts on the same model', async () => {
    model = await load('digits-full');
    const serving = model;
    expect(serving.stats()).toMatchObject({ available: true, restarts: 0 });
    const first = threads.started.at(-1)?.worker;

    // 50 calls, a few ms apart; the thread is told to exit just before a batch is posted to it, so that
    // batch is certainly in flight when the thread dies (told after it, a quick run could finish first).
    const calls: Promise<Float32Array>[] = [];
    let exitedAfter = -1;
    first?.once('exit', () => (exitedAfter = calls.length));
    for (let i = 0; i < 50; i++) {
      if (i === 20) {
        // The first 20 are served before the trigger is set: on a loaded machine some could still be queued
        // and go out in the batch the thread dies with.
        await Promise.allSettled(calls);
        threads.onPost = (worker, message) => {
          if (worker !== first || !isRun(message)) return;
          threads.onPost = undefined;
          worker.postMessage({ exitThread: 1 });
        };
      }
      const call = serving.infer(Float32Array.from(drawnPixels(i % 10)), 1, TIMEOUT_MS);
      call.catch(() => undefined); // read below, with the others
      calls.push(call);
      await sleep(2);
    }
    const outcomes = await Promise.allSettled(calls);

    expect(exitedAfter).toBeGreaterThan(20);
    expect(exitedAfter).toBeLessThan(50);
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    expect(failed.length).toBeGreaterThan(0);
    for (const i of failed) {
      const reason = (outcomes[i] as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(ServiceError);
      expect(reason).toMatchObject({ status: 503, code: 'MODEL_UNAVAILABLE' });
      expect((reason as Error).message).toMatch(/^the model's inference thread stopped \(exit code 1\) and is restarting/);
      // Only calls made before the thread died can have been in flight.
      expect(i).toBeLessThan(exitedAfter);
    }
    outcomes.forEach((o, i) => {
      if (o.status !== 'fulfilled') return;
      expect(o.value).toHaveLength(CLASSES);
      o.value.forEach((v, j) => expect(v).toBeCloseTo(oracle[i % 10]?.[j] ?? NaN, 4));
    });
    // The calls made after it died waited for the new thread and were served.
    expect(outcomes.slice(exitedAfter).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(outcomes.slice(0, 20).every((o) => o.status === 'fulfilled')).toBe(true);

    await until(() => serving.stats().available, 10_000);
    expect(serving.stats()).toMatchObject({ available: true, restarts: 1, queuedRows: 0 });
    expect(threads.exited.has(first as NodeWorker)).toBe(true);

    const logits = await serving.infer(Float32Array.from(DIGITS.flatMap((d) => drawnPixels(d))), DIGITS.length, TIMEOUT_MS);
    expect(logits).toHaveLength(DIGITS.length * CLASSES);
    DIGITS.forEach((_, row) => {
      expect(oracle[row]).toHaveLength(CLASSES);
      for (let j = 0; j < CLASSES; j++) expect(logits[row * CLASSES + j]).toBeCloseTo(oracle[row]?.[j] ?? NaN, 4);
    });
  });

  it('backs off while the new thread keeps dying at start, and still closes promptly', async () => {
    model = await load('digits-small');
    const serving = model;
    const before = threads.started.length;
    // Every thread started from now on dies as soon as it is asked to load the model.
    threads.dieOnLoad = true;
    const killedAt = performance.now();
    threads.started.at(-1)?.worker.postMessage({ exitThread: 1 });

    await until(() => !serving.stats().available, 2_000);
    // A call made meanwhile waits, within its deadline, and counts as queued.
    const waiting = serving.infer(Float32Array.from(drawnPixels(3)), 1, 250).catch((error: unknown) => error);
    expect(serving.stats().queuedRows).toBe(1);
    expect(await waiting).toMatchObject({ status: 503, code: 'DEADLINE_EXCEEDED' });
    expect(serving.stats().queuedRows).toBe(0);

    await sleep(1_700 - (performance.now() - killedAt));
    // Waits of 100, 200, 400 and 800 ms: at most 4 attempts by now, where spinning would make dozens.
    const { restarts, available } = serving.stats();
    expect(available).toBe(false);
    expect(restarts).toBeGreaterThanOrEqual(2);
    expect(restarts).toBeLessThanOrEqual(4);
    const attempts = threads.started.slice(before).map((t) => t.at);
    expect(attempts.length).toBe(restarts);
    // Each wait is at least the one before doubled (the first after the kill is 100 ms).
    [killedAt, ...attempts].slice(1).forEach((at, i, all) => {
      const previous = i === 0 ? killedAt : (all[i - 1] as number);
      expect(at - previous).toBeGreaterThanOrEqual(100 * 2 ** i - 2);
    });

    const pending = serving.infer(Float32Array.from(drawnPixels(3)), 1, TIMEOUT_MS).catch((error: unknown) => error);
    const closing = performance.now();
    await serving.close();
    expect(performance.now() - closing).toBeLessThan(1_000);
    expect(await pending).toMatchObject({ status: 503, code: 'SHUTTING_DOWN' });
    expect(serving.stats().available).toBe(false);
    await until(() => threads.started.every((t) => threads.exited.has(t.worker)), 2_000);
    // Nothing restarts after close.
    const after = threads.started.length;
    await sleep(500);
    expect(threads.started.length).toBe(after);
  });
});

describe('the restart backoff', () => {
  it('doubles the wait for a thread that dies soon after it serves, and starts over after one that served a while', async () => {
    const session = await SessionWorker.open(readFileSync('public/models/digits-small/1/model.onnx'), sessionOptions(1, false), undefined, {
      firstDelayMs: 100,
      maxDelayMs: 5_000,
      stableAfterMs: 1_000,
    });
    try {
      /** Makes the serving thread exit; resolves with the wait between its exit and the start of its replacement. */
      const kill = async (): Promise<number> => {
        const { worker } = threads.started.at(-1) ?? {};
        const exited = new Promise<number>((resolve) => worker?.once('exit', () => resolve(performance.now())));
        worker?.postMessage({ exitThread: 1 });
        const at = await exited;
        await until(() => session.available, 10_000);
        return (threads.started.at(-1)?.at ?? NaN) - at;
      };
      expect(await kill()).toBeGreaterThanOrEqual(98);
      // Killed as soon as it serves: not stable, so the wait doubles.
      expect(await kill()).toBeGreaterThanOrEqual(198);
      // Served longer than stableAfterMs: the wait is the first one again (else 400 ms).
      await sleep(1_100);
      const wait = await kill();
      expect(wait).toBeGreaterThanOrEqual(98);
      expect(wait).toBeLessThan(400);
      expect(session.restarts).toBe(3);
    } finally {
      await session.close();
    }
  });
});
