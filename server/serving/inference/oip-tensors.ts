/**
 * The request side of Open Inference Protocol `infer`: one FP32 input tensor
 * whose `data` is flat or nested row-major, and optionally named outputs.
 */
import { ServiceError } from '../../../src/core/api/errors';
import type { ServingModel } from '../model';
import { isRecord, quoteValue } from './json';

export interface InferRequest {
  readonly id: string | undefined;
  readonly input: Float32Array;
  readonly rows: number;
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

export function parseInferRequest(body: unknown, model: ServingModel, maxInstances: number): InferRequest {
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
  flatten(tensor['data'], shape as number[], input, 'inputs[0].data');

  const outputs = body['outputs'];
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw new ServiceError('INVALID_REQUEST', '"outputs" must be an array of {"name"}');
    outputs.forEach((o: unknown, i) => {
      if (!isRecord(o) || o['name'] !== model.output.name) {
        throw new ServiceError('INVALID_REQUEST', `outputs[${i}].name must be "${model.output.name}", the model's output`);
      }
    });
  }
  return { id, input, rows };
}
