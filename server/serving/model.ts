/**
 * One model version, loaded once: read and verified against its manifest
 * entry (size, sha256, tensors), its session in a worker thread, warmed up,
 * behind its own dynamic batcher. Callers see `infer()` and `stats()`; the
 * batcher stays inside.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../../src/core/api/errors';
import type { ModelEntry, TensorSpec } from '../../src/core/manifest';
import { DynamicBatcher, type BatchObserver } from './batching/batcher';
import type { BatchingSettings } from './settings';
import { sessionOptions } from '../../tools/onnx/runtime';
import type { TensorMetadata } from './runtime/session-api';
import { SessionWorker } from './runtime/session-worker';

export interface ModelStats {
  /** Rows waiting in the batching queue. */
  readonly queuedRows: number;
  readonly maxBatchSize: number;
  readonly maxQueueRows: number;
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
   * DEADLINE_EXCEEDED, a closing model SHUTTING_DOWN.
   */
  infer(input: Float32Array, rows: number, timeoutMs: number): Promise<Float32Array>;
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

function checkTensors(kind: 'input' | 'output', expected: readonly TensorSpec[], actual: readonly TensorMetadata[], where: string): void {
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

/** Reads, verifies, loads and warms up one model version; any problem is MODEL_LOAD_FAILED. */
export async function loadModel(registryDir: string, entry: ModelEntry, options: LoadOptions): Promise<ServingModel> {
  const where = `${entry.name} v${entry.version}`;
  const path = join(registryDir, entry.file);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw loadFailed(`${where}: cannot read ${path} (${error.code ?? error.message})`);
  });
  if (bytes.byteLength !== entry.bytes) throw loadFailed(`${where}: ${path} has ${bytes.byteLength} bytes, the manifest says ${entry.bytes}`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== entry.sha256) throw loadFailed(`${where}: sha256 of ${path} is ${digest}, the manifest says ${entry.sha256}`);

  // The session lives in a worker thread: onnxruntime-node computes on the calling thread.
  const session = await SessionWorker.open(bytes, sessionOptions(options.intraOpThreads, options.intraOpSpinning)).catch((error: Error) => {
    throw loadFailed(`${where}: onnxruntime cannot load it: ${error.message}`);
  });
  try {
    checkTensors('input', entry.inputs, session.inputMetadata, where);
    checkTensors('output', entry.outputs, session.outputMetadata, where);
  } catch (error) {
    await session.close();
    throw error;
  }
  const input = entry.inputs[0] as TensorSpec;
  const output = entry.outputs[0] as TensorSpec;
  const rowDims = input.shape.slice(1);
  const rowSize = rowDims.reduce((a, b) => a * b, 1);

  const runDirect = (data: Float32Array, rows: number): Promise<Float32Array> => session.run(input.name, output.name, data, [rows, ...rowDims]);
  // Warm-up: the first runs allocate and pick kernels; do it before declaring ready.
  for (const rows of [1, options.batching.maxBatchSize]) await runDirect(new Float32Array(rows * rowSize), rows);

  const batcher = new DynamicBatcher(runDirect, rowSize, options.batching, options.observer);
  return {
    entry,
    input,
    output,
    rowSize,
    classes: output.shape.at(-1) ?? entry.labels.length,
    infer: (data, rows, timeoutMs) => batcher.submit(data, rows, timeoutMs),
    stats: () => ({ queuedRows: batcher.depth, maxBatchSize: options.batching.maxBatchSize, maxQueueRows: options.batching.maxQueueRows }),
    async close() {
      await batcher.drain();
      await session.close();
    },
  };
}
