/**
 * A decoding thread: inflates and decodes PNG instances and preprocesses them
 * into model inputs, so that the event loop keeps answering meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { ServiceError } from '../../../src/core/api/errors';
import { serveRpc, Transfer } from '../../../src/core/rpc/server';
import type { DecodeApi, DecodeOutcome } from './decode-api';
import { imageToInput } from './decode-image';

const port = parentPort;
if (!port) throw new Error('decode-thread must run as a worker thread');

const listener = serveRpc<DecodeApi>(
  {
    async decode({ ink, preprocessing, bytes, ...checked }) {
      const png = { ...checked, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
      try {
        const input = imageToInput({ png, ink, preprocessing });
        const owned = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? input : input.slice();
        return new Transfer<DecodeOutcome>({ ok: true, input: owned }, [owned.buffer as ArrayBuffer]);
      } catch (error) {
        if (error instanceof ServiceError) return { ok: false, code: error.code, message: error.message };
        throw error;
      }
    },
  },
  (message, transfer) => port.postMessage(message, transfer),
);
port.on('message', listener);
