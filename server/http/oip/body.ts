/**
 * Open Inference Protocol bodies as real clients send them. Triton's Python
 * client posts JSON with no Content-Type, and both it and KServe's client
 * send tensors in the binary tensor data extension: the JSON header, then the
 * raw little-endian tensor bytes, split by `Inference-Header-Content-Length`.
 * Answers that ask for binary outputs are written in the same layout.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../../../src/core/api/errors';
import { LITTLE_ENDIAN, type BinaryTail } from '../../serving/inference/oip-tensors';

export const HEADER_LENGTH = 'inference-header-content-length';
export const BINARY_CONTENT_TYPE = 'application/octet-stream';

/** Only binary requests have a tail. */
const tails = new WeakMap<FastifyRequest, BinaryTail>();

/** The binary part of a request's body, when it had one. */
export const binaryTail = (request: FastifyRequest): BinaryTail | undefined => tails.get(request);

function headerLength(request: FastifyRequest, bodyLength: number): number | undefined {
  const raw = request.headers[HEADER_LENGTH];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  const length = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(length) || length > bodyLength) {
    throw new ServiceError(
      'INVALID_REQUEST',
      `Inference-Header-Content-Length is ${JSON.stringify(text.slice(0, 20))}; it must be a byte count from 0 to the body's ${bodyLength} bytes`,
    );
  }
  return length;
}

/**
 * Reads OIP bodies in this plugin only: `application/json`, no Content-Type
 * (as Triton does) and `application/octet-stream` are JSON, split off their
 * binary tail when `Inference-Header-Content-Length` is given. Any other
 * declared type is refused with 415.
 */
export function registerOipBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const parse = (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void): void => {
    let length: number | undefined;
    try {
      length = headerLength(request, body.length);
    } catch (error) {
      return done(error as Error);
    }
    if (length === undefined) {
      if (request.headers['content-type']?.toLowerCase().startsWith(BINARY_CONTENT_TYPE)) {
        return done(
          new ServiceError(
            'INVALID_REQUEST',
            'content type application/octet-stream needs Inference-Header-Content-Length, the length of the JSON before the binary tensor data',
          ),
        );
      }
      return void parseJson(request, body.toString('utf8'), done);
    }
    tails.set(request, { bytes: body.subarray(length), raw: length === 0 });
    // A header of length 0 is Triton's raw binary request: the whole body is the one input's bytes.
    if (length === 0) return done(null, {});
    return void parseJson(request, body.subarray(0, length).toString('utf8'), done);
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', BINARY_CONTENT_TYPE], { parseAs: 'buffer' }, (request, body, done) => parse(request, body as Buffer, done));
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined) return done(new ServiceError('UNSUPPORTED_MEDIA_TYPE', `unsupported content type ${type}; send application/json`));
    parse(request, body as Buffer, done);
  });
}

/**
 * Sends an inference answer in the binary layout: `header` (whose outputs
 * carry `parameters.binary_data_size`), then each output's bytes in order.
 */
export function sendBinary(reply: FastifyReply, header: object, tensors: readonly Float32Array[]): FastifyReply {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const parts = [json, ...tensors.map(littleEndianBytes)];
  return reply.header('content-type', BINARY_CONTENT_TYPE).header(HEADER_LENGTH, String(json.length)).send(Buffer.concat(parts));
}

function littleEndianBytes(values: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}
