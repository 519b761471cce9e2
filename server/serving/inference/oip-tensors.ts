/**
 * The request side of Open Inference Protocol `infer`: one FP32 input tensor
 * whose `data` is flat or nested row-major, or whose bytes follow the JSON
 * (the binary tensor data extension), and optionally named outputs, asked
 * for as JSON or binary.
 */
import { ServiceError } from '../../../src/core/api/errors';
import type { ServingModel } from '../model';
import { isRecord, quoteValue } from './json';

/** The bytes after a binary request's JSON header; `raw` when there was no header (Triton's raw binary request). */
export interface BinaryTail {
  readonly bytes: Buffer;
  readonly raw: boolean;
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Reads `count` little-endian FP32 values from `bytes`. */
function readFloat32LE(bytes: Buffer, count: number): Float32Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count).slice();
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

export interface InferRequest {
  readonly id: string | undefined;
  readonly input: Float32Array;
  readonly rows: number;
  /** The logits go back as binary data after the JSON header. */
  readonly binaryOutput: boolean;
}

/** The largest finite float32; beyond it a JSON number would become Infinity. */
const FP32_MAX = 3.4028234663852886e38;
const isFp32 = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= FP32_MAX;

/** Copies `data` (flat, or nested exactly as `shape`) into `out`, checking every element. */
function flatten(data: unknown, shape: readonly number[], out: Float32Array, field: string): void {
  if (!Array.isArray(data)) throw new ServiceError('INVALID_REQUEST', `${field} must be an array`);
  if (data.length === out.length && data.every((v) => typeof v === 'number')) {
    data.forEach((v: number, i) => {
      if (!isFp32(v)) throw new ServiceError('INVALID_REQUEST', `${field}[${i}] is not a finite FP32 number, got ${v}`);
      out[i] = v;
    });
    return;
  }
  let written = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    const size = shape[depth];
    if (size === undefined) {
      if (!isFp32(node)) throw new ServiceError('INVALID_REQUEST', `${path} must be a finite FP32 number, got ${quoteValue(node)}`);
      out[written++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== size) {
      throw new ServiceError(
        'INVALID_REQUEST',
        `${path} must be an array of ${size} (shape ${quoteValue(shape)}), or all data flat with ${out.length} numbers`,
      );
    }
    node.forEach((child: unknown, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, field);
}

/** Reads an optional boolean parameter such as `binary_data`. */
function flag(parameters: unknown, key: string, field: string): boolean | undefined {
  if (parameters === undefined) return undefined;
  if (!isRecord(parameters)) throw new ServiceError('INVALID_REQUEST', `${field} must be an object`);
  const value = parameters[key];
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ServiceError('INVALID_REQUEST', `${field}.${key} must be true or false, got ${quoteValue(value)}`);
  }
  return value;
}

/** Takes an input's bytes from the binary tail, checking their count and that each value is finite. */
function fromBinary(size: unknown, tail: BinaryTail | undefined, out: Float32Array, name: string): void {
  const field = 'inputs[0].parameters.binary_data_size';
  if (!Number.isSafeInteger(size) || (size as number) < 0)
    throw new ServiceError('INVALID_REQUEST', `${field} of input "${name}" must be a byte count, got ${quoteValue(size)}`);
  if (!tail) {
    throw new ServiceError('INVALID_REQUEST', `input "${name}" has ${field} but the request has no binary data: send Inference-Header-Content-Length`);
  }
  const expected = out.length * 4;
  if (size !== expected)
    throw new ServiceError('INVALID_REQUEST', `${field} of input "${name}" is ${size as number}; its shape needs ${expected} bytes of FP32`);
  if (tail.bytes.length !== expected) {
    throw new ServiceError('INVALID_REQUEST', `input "${name}" declares ${expected} bytes of binary data, but ${tail.bytes.length} follow the JSON header`);
  }
  out.set(readFloat32LE(tail.bytes, out.length));
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ServiceError('INVALID_REQUEST', `input "${name}" binary element ${bad} is not a finite FP32 number, got ${out[bad]}`);
}

/** Triton's raw binary request: no JSON header, the body is one row of the input, and outputs go back binary. */
function parseRawBinary(tail: BinaryTail, model: ServingModel): InferRequest {
  const input = new Float32Array(model.rowSize);
  if (tail.bytes.length !== input.length * 4) {
    throw new ServiceError(
      'INVALID_REQUEST',
      `a raw binary request (Inference-Header-Content-Length: 0) must hold ${input.length * 4} bytes, one row of "${model.input.name}"; got ${tail.bytes.length}`,
    );
  }
  fromBinary(tail.bytes.length, tail, input, model.input.name);
  return { id: undefined, input, rows: 1, binaryOutput: true };
}

export function parseInferRequest(body: unknown, model: ServingModel, maxInstances: number, tail?: BinaryTail): InferRequest {
  if (tail?.raw) return parseRawBinary(tail, model);
  if (!isRecord(body)) throw new ServiceError('INVALID_REQUEST', 'body must be a JSON object with "inputs"');
  const id = body['id'];
  if (id !== undefined && typeof id !== 'string') throw new ServiceError('INVALID_REQUEST', '"id" must be a string');
  const inputs = body['inputs'];
  if (!Array.isArray(inputs) || inputs.length !== 1) {
    throw new ServiceError('INVALID_REQUEST', `"inputs" must be an array with exactly one tensor, "${model.input.name}"`);
  }
  const tensor: unknown = inputs[0];
  if (!isRecord(tensor)) throw new ServiceError('INVALID_REQUEST', 'inputs[0] must be an object with "name", "shape", "datatype" and "data"');
  if (tensor['name'] !== model.input.name) {
    throw new ServiceError('INVALID_REQUEST', `inputs[0].name is ${quoteValue(tensor['name'])}; model ${model.entry.name} takes "${model.input.name}"`);
  }
  if (tensor['datatype'] !== 'FP32') throw new ServiceError('INVALID_REQUEST', `inputs[0].datatype is ${quoteValue(tensor['datatype'])}; it must be "FP32"`);
  const shape = tensor['shape'];
  const rowDims = model.input.shape.slice(1);
  if (
    !Array.isArray(shape) ||
    shape.length !== model.input.shape.length ||
    !shape.every((d) => Number.isInteger(d) && d > 0) ||
    shape.slice(1).some((d, i) => d !== rowDims[i])
  ) {
    throw new ServiceError('INVALID_REQUEST', `inputs[0].shape is ${quoteValue(shape)}; it must be [N, ${rowDims.join(', ')}] with N >= 1`);
  }
  const rows = shape[0] as number;
  if (rows > maxInstances) throw new ServiceError('TOO_MANY_INSTANCES', `inputs[0].shape asks for ${rows} rows; the limit is ${maxInstances}`);
  const input = new Float32Array(rows * model.rowSize);
  const inputParameters = tensor['parameters'];
  const binarySize = isRecord(inputParameters) ? inputParameters['binary_data_size'] : undefined;
  if (binarySize !== undefined) {
    if (tensor['data'] !== undefined)
      throw new ServiceError('INVALID_REQUEST', `input "${model.input.name}" has both "data" and parameters.binary_data_size; send one`);
    fromBinary(binarySize, tail, input, model.input.name);
  } else {
    if (tail && tail.bytes.length > 0) {
      throw new ServiceError(
        'INVALID_REQUEST',
        `${tail.bytes.length} bytes of binary data follow the JSON header, but no input has parameters.binary_data_size`,
      );
    }
    flatten(tensor['data'], shape as number[], input, 'inputs[0].data');
  }

  // Binary outputs: the request's binary_data_output, overridden by the output's own binary_data.
  let binaryOutput = flag(body['parameters'], 'binary_data_output', '"parameters"') ?? false;
  const outputs = body['outputs'];
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw new ServiceError('INVALID_REQUEST', '"outputs" must be an array of {"name"}');
    outputs.forEach((o: unknown, i) => {
      if (!isRecord(o) || o['name'] !== model.output.name) {
        throw new ServiceError('INVALID_REQUEST', `outputs[${i}].name must be "${model.output.name}", the model's output`);
      }
      binaryOutput = flag(o['parameters'], 'binary_data', `outputs[${i}].parameters`) ?? binaryOutput;
    });
  }
  return { id, input, rows, binaryOutput };
}
