/**
 * One model version, loaded once: read and verified against its manifest
 * entry (size, sha256, tensors), its session in a worker thread, warmed up,
 * behind its own dynamic batcher. Callers see `infer()` and `stats()`; the
 * batcher stays inside. If the thread dies, it is restarted on the same bytes,
 * checked and warmed up again; requests arriving meanwhile wait for it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../../src/core/api/errors';
import type { ModelEntry, TensorSpec } from '../../src/core/manifest';
import { DynamicBatcher, type BatchObserver, type Priority } from './batching/batcher';
import type { BatchingSettings } from './settings';
import { sessionOptions } from '../../tools/onnx/runtime';
import type { TensorMetadata } from './runtime/session-api';
import { SessionWorker, type SessionThread } from './runtime/session-worker';

export interface ModelStats {
  /** Rows waiting: in the batching queue, or for the inference thread to restart. */
  readonly queuedRows: number;
  readonly maxBatchSize: number;
  readonly maxQueueRows: number;
  /** Inference threads started to replace one that died (failed attempts count too). */
  readonly restarts: number;
  /** Whether an inference thread serves: false while it restarts, and once closed. */
  readonly available: boolean;
}

export interface ServingModel {
  readonly entry: ModelEntry;
  readonly input: TensorSpec;
  readonly output: TensorSpec;
  /** Values per instance (the input shape without its batch axis, multiplied out). */
  readonly rowSize: number;
  readonly classes: number;
  /**
   * Runs `rows` rows (flat in `input`) through the batcher; resolves with their
   * output rows, flat. A full queue is QUEUE_FULL, a missed deadline
   * DEADLINE_EXCEEDED, a closing model SHUTTING_DOWN. While the inference
   * thread restarts, a call waits for it within its deadline; the calls the
   * thread held when it died fail with SHUTTING_DOWN (503) saying it restarts.
   * `priority` 'low' (bulk work such as explanations) yields to 'high' (the
   * default) in the batcher; submit low work in chunks of at most
   * `lowPriorityCap(maxBatchSize)` rows.
   */
  infer(input: Float32Array, rows: number, timeoutMs: number, priority?: Priority): Promise<Float32Array>;
  stats(): ModelStats;
  /** Finishes what is queued, then releases the session. */
  close(): Promise<void>;
}

export interface LoadOptions {
  readonly intraOpThreads: number;
  readonly intraOpSpinning: boolean;
  readonly batching: BatchingSettings;
  readonly observer?: BatchObserver;
}

const loadFailed = (message: string) => new ServiceError('MODEL_LOAD_FAILED', message);

export function checkTensors(kind: 'input' | 'output', expected: readonly TensorSpec[], actual: readonly TensorMetadata[], where: string): void {
  const names = actual.map((t) => t.name);
  if (expected.length !== actual.length || expected.some((e, i) => e.name !== names[i])) {
    throw loadFailed(`${where}: the model's ${kind}s are [${names.join(', ')}], the manifest says [${expected.map((e) => e.name).join(', ')}]`);
  }
  expected.forEach((spec, i) => {
    const shape = (actual[i]?.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
    if (actual[i]?.type !== 'float32' || JSON.stringify(shape) !== JSON.stringify(spec.shape)) {
      throw loadFailed(
        `${where}: ${kind} "${spec.name}" is ${actual[i]?.type} ${JSON.stringify(shape)}, the manifest says float32 ${JSON.stringify(spec.shape)}`,
      );
    }
  });
}

/** The model file's bytes, checked against the manifest's size and sha256; any problem is MODEL_LOAD_FAILED. */
export async function verifiedBytes(registryDir: string, entry: ModelEntry): Promise<Buffer> {
  const where = `${entry.name} v${entry.version}`;
  const path = join(registryDir, entry.file);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw loadFailed(`${where}: cannot read ${path} (${error.code ?? error.message})`);
  });
  if (bytes.byteLength !== entry.bytes) throw loadFailed(`${where}: ${path} has ${bytes.byteLength} bytes, the manifest says ${entry.bytes}`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== entry.sha256) throw loadFailed(`${where}: sha256 of ${path} is ${digest}, the manifest says ${entry.sha256}`);
  return bytes;
}

/** The tensors a model version is served by, and one row's shape and size. */
export function servedTensors(entry: ModelEntry): { input: TensorSpec; output: TensorSpec; rowDims: number[]; rowSize: number } {
  const input = entry.inputs[0] as TensorSpec;
  const output = entry.outputs[0] as TensorSpec;
  const rowDims = input.shape.slice(1);
  return { input, output, rowDims, rowSize: rowDims.reduce((a, b) => a * b, 1) };
}

/** Reads, verifies, loads and warms up one model version; any problem is MODEL_LOAD_FAILED. */
export async function loadModel(registryDir: string, entry: ModelEntry, options: LoadOptions): Promise<ServingModel> {
  const where = `${entry.name} v${entry.version}`;
  const bytes = await verifiedBytes(registryDir, entry);
  const { input, output, rowDims, rowSize } = servedTensors(entry);
  const { maxBatchSize, maxQueueRows } = options.batching;

  // Every thread, the first and each restarted one, is checked and warmed up before it serves.
  const prepare = async (thread: SessionThread): Promise<void> => {
    checkTensors('input', entry.inputs, thread.inputMetadata, where);
    checkTensors('output', entry.outputs, thread.outputMetadata, where);
    // The first runs allocate and pick kernels; do them before declaring ready.
    for (const rows of [1, maxBatchSize]) {
      await thread.run(input.name, output.name, new Float32Array(rows * rowSize), [rows, ...rowDims]).catch((error: Error) => {
        throw loadFailed(`${where}: a warm-up run failed: ${error.message}`);
      });
    }
  };
  // The session lives in a worker thread: onnxruntime-node computes on the calling thread.
  const session = await SessionWorker.open(bytes, sessionOptions(options.intraOpThreads, options.intraOpSpinning), prepare).catch((error: Error) => {
    throw error instanceof ServiceError && error.code === 'MODEL_LOAD_FAILED' ? error : loadFailed(`${where}: onnxruntime cannot load it: ${error.message}`);
  });

  const runDirect = (data: Float32Array, rows: number): Promise<Float32Array> => session.run(input.name, output.name, data, [rows, ...rowDims]);
  const batcher = new DynamicBatcher(runDirect, rowSize, options.batching, options.observer);
  let closing = false;
  /** Rows of calls waiting for a restarted thread; they count against the queue bound too. */
  let waitingRows = 0;

  const infer = async (data: Float32Array, rows: number, timeoutMs: number, priority: Priority = 'high'): Promise<Float32Array> => {
    if (closing || session.available) return batcher.submit(data, rows, timeoutMs, priority);
    // Waiting rather than failing at once: a restart takes well under a deadline, so most callers are served.
    if (batcher.depth + waitingRows + rows > maxQueueRows) {
      throw new ServiceError('QUEUE_FULL', `the model's queue is full (${batcher.depth + waitingRows} of ${maxQueueRows} rows waiting); retry shortly`, 1);
    }
    const started = performance.now();
    waitingRows += rows;
    try {
      if (!(await session.whenAvailable(timeoutMs))) {
        throw new ServiceError(
          'DEADLINE_EXCEEDED',
          `the model's inference thread is restarting; no model capacity within the request deadline of ${timeoutMs} ms`,
        );
      }
    } finally {
      waitingRows -= rows;
    }
    return batcher.submit(data, rows, Math.max(0, timeoutMs - (performance.now() - started)), priority);
  };

  return {
    entry,
    input,
    output,
    rowSize,
    classes: output.shape.at(-1) ?? entry.labels.length,
    infer,
    stats: () => ({
      queuedRows: batcher.depth + waitingRows,
      maxBatchSize,
      maxQueueRows,
      restarts: session.restarts,
      available: session.available,
    }),
    async close() {
      closing = true;
      await batcher.drain();
      await session.close();
    },
  };
}
