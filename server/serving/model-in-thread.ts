/**
 * One model version whose session runs on the calling thread, for a thread
 * that is itself a worker of its own (a batch pool thread): the same checks
 * as `loadModel` (size, sha256, tensors, warm-up runs), without the session
 * thread, the batcher or the restarts. A pool thread's caller runs whole
 * batches one at a time and supervises the thread itself, so each batch
 * saves a message hop and a copy, and each thread one thread start.
 */
import { ServiceError } from '../../src/core/api/errors';
import type { ModelEntry } from '../../src/core/manifest';
import { createSession, runFloat32, sessionOptions, tensorMetadata, type Session } from '../../tools/onnx/runtime';
import { checkTensors, servedTensors, verifiedBytes, type ServingModel } from './model';

/** Loads `entry` into a session of one intra-op thread here, warmed up at each of `warmRows` rows. */
export async function loadModelInThread(registryDir: string, entry: ModelEntry, warmRows: readonly number[]): Promise<ServingModel> {
  const where = `${entry.name} v${entry.version}`;
  const bytes = await verifiedBytes(registryDir, entry);
  const { input, output, rowDims, rowSize } = servedTensors(entry);
  let session: Session;
  try {
    session = await createSession(bytes, sessionOptions(1, false));
  } catch (error) {
    throw new ServiceError('MODEL_LOAD_FAILED', `${where}: onnxruntime cannot load it: ${(error as Error).message}`);
  }
  const run = async (data: Float32Array, rows: number) =>
    (await runFloat32(session, input.name, data, [rows, ...rowDims], [output.name]))[output.name] as Float32Array;
  try {
    const { inputs, outputs } = tensorMetadata(session);
    checkTensors('input', entry.inputs, inputs, where);
    checkTensors('output', entry.outputs, outputs, where);
    for (const rows of warmRows) await run(new Float32Array(rows * rowSize), rows);
  } catch (error) {
    await session.release();
    throw error instanceof ServiceError ? error : new ServiceError('MODEL_LOAD_FAILED', `${where}: a warm-up run failed: ${(error as Error).message}`);
  }
  const maxRows = Math.max(1, ...warmRows);
  let closed = false;
  return {
    entry,
    input,
    output,
    rowSize,
    classes: output.shape.at(-1) ?? entry.labels.length,
    // One batch at a time, on this thread: there is no queue to wait in, so no deadline or priority.
    infer: (data, rows) => (closed ? Promise.reject(new ServiceError('SHUTTING_DOWN', `${where} is closed`)) : run(data, rows)),
    stats: () => ({ queuedRows: 0, maxBatchSize: maxRows, maxQueueRows: maxRows, restarts: 0, available: !closed }),
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}
