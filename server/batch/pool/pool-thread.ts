/**
 * A batch pool thread: one model version loaded through the serving core's
 * checks (verified against the manifest, warmed up), its onnxruntime session
 * on this very thread, and whole chunks processed here, parsing and PNG
 * decoding included, so the coordinator's thread only hands out chunk numbers.
 */
import { parentPort } from 'node:worker_threads';
import { serveRpc } from '../../../src/core/rpc/server';
import type { ServingModel } from '../../serving/model';
import { loadModelInThread } from '../../serving/model-in-thread';
import { BATCH_ROWS, processChunk } from '../chunk/process-chunk';
import type { BatchJob } from '../job/spec';
import { lowerThreadPriority } from '../../threads/priority';
import type { PoolApi, PoolEvent } from './pool-api';

const port = parentPort;
if (!port) throw new Error('pool-thread must run as a worker thread');

let state: { job: BatchJob; model: ServingModel; stop: Int32Array } | undefined;

/** Progress, unasked: the bridge's event message. */
const progress = (event: PoolEvent) => port.postMessage({ event });

const listener = serveRpc<PoolApi, PoolEvent>(
  {
    async open({ job, stop, background }) {
      if (background) lowerThreadPriority();
      // One session per pool thread, on this thread, one core each: the pool's size is the parallelism.
      const model = await loadModelInThread(job.spec.registry, job.entry, [1, BATCH_ROWS]);
      state = { job, model, stop: new Int32Array(stop) };
    },
    async process({ chunk }) {
      if (!state) throw new Error('the pool thread has no job open');
      const { job, model, stop } = state;
      return processChunk(job, chunk, {
        model,
        stopped: () => Atomics.load(stop, 0) === 1,
        onRows: (rows, failed) => progress({ chunk, rows, failed }),
      });
    },
    async close() {
      const open = state;
      state = undefined;
      await open?.model.close();
    },
  },
  (message, transfer) => port.postMessage(message, transfer),
);
port.on('message', listener);
