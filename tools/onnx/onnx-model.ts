/**
 * Reading, writing and building ONNX models as protobuf, for the tools that
 * inspect or rewrite graphs (quantization, packing).
 */
import { readFile, writeFile } from 'node:fs/promises';
import onnxPackage from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

/** onnx-proto is CommonJS: its protobuf classes come through the default export. */
export const onnx = onnxPackage.onnx;
export type { Onnx };

/** The model's data types we touch, as ONNX's TensorProto.DataType numbers. */
export const DataType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  UINT8: onnx.TensorProto.DataType.UINT8,
  INT8: onnx.TensorProto.DataType.INT8,
  INT32: onnx.TensorProto.DataType.INT32,
  INT64: onnx.TensorProto.DataType.INT64,
} as const;

export function decodeModel(bytes: Uint8Array): Onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: Onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export async function readModel(path: string): Promise<Onnx.ModelProto> {
  return decodeModel(await readFile(path));
}

export async function writeModel(path: string, model: Onnx.IModelProto): Promise<number> {
  const bytes = encodeModel(model);
  await writeFile(path, bytes);
  return bytes.byteLength;
}

export function dims(tensor: Onnx.ITensorProto): number[] {
  return (tensor.dims ?? []).map((d) => Number(d));
}

/** The values of a float initializer, whether stored as raw bytes or as float_data. */
export function floatValues(tensor: Onnx.ITensorProto): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) {
    throw new Error(`initializer "${tensor.name}" is not float32 (data type ${tensor.dataType})`);
  }
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new Error(`initializer "${tensor.name}" keeps its data in an external file, which is not supported`);
  }
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    const raw = tensor.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(tensor.floatData ?? []);
}

export function tensorProto(name: string, dataType: number, shape: readonly number[], values: ArrayBufferView): Onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dataType,
    dims: [...shape],
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
}

export function node(opType: string, inputs: string[], outputs: string[], name: string, attributes: Onnx.IAttributeProto[] = []): Onnx.NodeProto {
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute: attributes });
}

export function intAttribute(name: string, value: number): Onnx.AttributeProto {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
}

export function attributeInt(n: Onnx.INodeProto, name: string, fallback: number): number {
  const attribute = n.attribute?.find((a) => a.name === name);
  return attribute?.i === undefined || attribute.i === null ? fallback : Number(attribute.i);
}

/** Opset version of the default (ai.onnx) domain. */
export function defaultOpset(model: Onnx.IModelProto): number {
  const entry = model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 0;
}

/** Names of graph inputs that are real inputs, not initializers listed as inputs. */
export function graphInputNames(graph: Onnx.IGraphProto): string[] {
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).map((i) => i.name ?? '').filter((name) => !initializers.has(name));
}
