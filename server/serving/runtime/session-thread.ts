/**
 * One model version's onnxruntime session, in its own thread. onnxruntime-node
 * runs a session synchronously on the calling thread; here that thread is not
 * the event loop, so HTTP keeps flowing while the model computes.
 */
import { parentPort } from 'node:worker_threads';
import { serveRpc, Transfer } from '../../../src/core/rpc/server';
import { createSession, runFloat32, tensorMetadata, type Session } from '../../../tools/onnx/runtime';
import type { SessionApi } from './session-api';

const port = parentPort;
if (!port) throw new Error('session-thread must run as a worker thread');

let session: Session | undefined;

const listener = serveRpc<SessionApi>(
  {
    async load({ bytes, options }) {
      session = await createSession(bytes, options);
      return tensorMetadata(session);
    },
    async run({ input, output, data, dims }) {
      if (!session) throw new Error('no session loaded');
      const result = (await runFloat32(session, input, data, dims, [output]))[output] as Float32Array;
      const owned = new Float32Array(result); // a copy we own, so it can be transferred
      return new Transfer(owned, [owned.buffer as ArrayBuffer]);
    },
    async release() {
      const open = session;
      session = undefined;
      await open?.release();
    },
  },
  (message, transfer) => port.postMessage(message, transfer),
);
port.on('message', listener);
