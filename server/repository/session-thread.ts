import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { FromThread, TensorMetadata, ToThread } from './session-protocol';

/**
 * One model version's onnxruntime session, in its own thread. onnxruntime-node
 * runs a session synchronously on the calling thread; here that thread is not
 * the event loop, so HTTP keeps flowing while the model computes.
 */
const port = parentPort;
if (!port) throw new Error('session-thread must run as a worker thread');

let session: ort.InferenceSession | undefined;
const reply = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', async (message: ToThread) => {
  switch (message.type) {
    case 'load':
      try {
        session = await ort.InferenceSession.create(message.bytes, message.options);
        const meta = session as unknown as { inputMetadata: TensorMetadata[]; outputMetadata: TensorMetadata[] };
        reply({ type: 'loaded', inputs: meta.inputMetadata, outputs: meta.outputMetadata });
      } catch (error) {
        reply({ type: 'load-failed', message: (error as Error).message });
      }
      break;
    case 'run':
      try {
        if (!session) throw new Error('no session loaded');
        const feeds = { [message.input]: new ort.Tensor('float32', message.data, [...message.dims]) };
        const result = (await session.run(feeds, [message.output]))[message.output]?.data as Float32Array;
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
