import { parentPort } from 'node:worker_threads';
import { createSession, runFloat32, type Session } from '../../tools/onnx/runtime';
import type { FromThread, TensorMetadata, ToThread } from './session-protocol';

/**
 * One model version's onnxruntime session, in its own thread. onnxruntime-node
 * runs a session synchronously on the calling thread; here that thread is not
 * the event loop, so HTTP keeps flowing while the model computes.
 */
const port = parentPort;
if (!port) throw new Error('session-thread must run as a worker thread');

let session: Session | undefined;
const reply = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', async (message: ToThread) => {
  switch (message.type) {
    case 'load':
      try {
        session = await createSession(message.bytes, message.options);
        const meta = session as unknown as { inputMetadata: TensorMetadata[]; outputMetadata: TensorMetadata[] };
        reply({ type: 'loaded', inputs: meta.inputMetadata, outputs: meta.outputMetadata });
      } catch (error) {
        reply({ type: 'load-failed', message: (error as Error).message });
      }
      break;
    case 'run':
      try {
        if (!session) throw new Error('no session loaded');
        const result = (await runFloat32(session, message.input, message.data, message.dims, [message.output]))[message.output] as Float32Array;
        const data = new Float32Array(result); // a copy we own, so it can be transferred
        reply({ type: 'result', id: message.id, data }, [data.buffer as ArrayBuffer]);
      } catch (error) {
        reply({ type: 'run-failed', id: message.id, message: (error as Error).message });
      }
      break;
    case 'release':
      await session?.release();
      session = undefined;
      reply({ type: 'released' });
      break;
  }
});
