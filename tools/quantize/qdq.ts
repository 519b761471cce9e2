/**
 * Rewrites a float model into the QDQ format: weights of Conv, Gemm and MatMul
 * become per-channel symmetric int8 followed by DequantizeLinear; activations
 * get QuantizeLinear/DequantizeLinear pairs (uint8, asymmetric, calibrated
 * ranges); biases become int32 at scale input_scale * weight_scale.
 * Runtimes fuse the pairs into integer kernels where they can.
 */
import type { Range } from './calibrate';
import { activationTensors } from './calibrate';
import { attributeInt, DataType, dims, encodeModel, floatValues, intAttribute, node, onnx, tensorProto, type Onnx } from '../onnx/onnx-model';
import { activationInputs, PASS_THROUGH_OPS, WEIGHTED_OPS } from './operators';

interface QuantParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

export function activationParams(range: Range): QuantParams {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  const scale = max > min ? (max - min) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-min / scale))) };
}

/**
 * Per-channel symmetric int8 along `axis`, zero point 0: values in -127..127,
 * or -63..63 with `reduceRange`. x86 CPUs without VNNI multiply uint8
 * activations by int8 weights with an instruction that saturates a pair's sum
 * at 16 bits; seven-bit weights keep every pair in range, so all runtimes agree.
 */
export function quantizeWeights(values: Float32Array, shape: readonly number[], axis: number, reduceRange = false): { q: Int8Array; scales: Float32Array } {
  const limit = reduceRange ? 63 : 127;
  const channels = shape[axis] ?? 1;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const maxAbs = new Float32Array(channels);
  values.forEach((v, i) => {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c] ?? 0, Math.abs(v));
  });
  const scales = maxAbs.map((m) => (m > 0 ? m / limit : 1));
  const q = Int8Array.from(values, (v, i) => Math.max(-limit, Math.min(limit, Math.round(v / (scales[channelOf(i)] ?? 1)))));
  return { q, scales };
}

function weightAxis(n: Onnx.INodeProto, rank: number): number {
  if (n.opType === 'Conv') return 0;
  if (n.opType === 'Gemm') return attributeInt(n, 'transB', 0) === 1 ? 0 : 1;
  return rank - 1; // MatMul: one scale per output column
}

const inputsOf = (n: Onnx.INodeProto): string[] => n.input ?? [];
const outputsOf = (n: Onnx.INodeProto): string[] => n.output ?? [];
const nameOf = (t: { name?: string | null }): string => t.name ?? '';

export interface QdqOptions {
  /** Seven-bit weights (see quantizeWeights). */
  readonly reduceRange: boolean;
}

export function quantizeToQdq(source: Onnx.IModelProto, ranges: ReadonlyMap<string, Range>, options: QdqOptions): Onnx.ModelProto {
  const model = onnx.ModelProto.decode(encodeModel(source));
  const graph = model.graph as Onnx.GraphProto;
  const initializers = new Map(graph.initializer.map((t) => [nameOf(t), t]));
  const isInitializer = (name: string) => initializers.has(name);
  const outputs = new Set(graph.output.map(nameOf));
  const producer = new Map<string, Onnx.INodeProto>();
  const consumers = new Map<string, Onnx.INodeProto[]>();
  for (const n of graph.node) {
    for (const out of outputsOf(n)) producer.set(out, n);
    for (const input of inputsOf(n)) consumers.set(input, [...(consumers.get(input) ?? []), n]);
  }

  // Which activations get a Q/DQ pair, and with which parameters.
  const params = new Map<string, QuantParams>();
  for (const tensor of activationTensors(graph)) {
    if (outputs.has(tensor)) continue;
    const from = producer.get(tensor);
    const users = consumers.get(tensor) ?? [];
    // Leave Conv -> Relu unbroken: the Relu's output carries the range, as fused kernels expect.
    if (from && ['Conv', 'Gemm', 'MatMul', 'Add'].includes(from.opType ?? '') && users.length > 0 && users.every((u) => u.opType === 'Relu')) continue;
    const upstream = from && PASS_THROUGH_OPS.has(from.opType ?? '') ? params.get(from.input?.[0] ?? '') : undefined;
    const range = ranges.get(tensor);
    if (upstream) params.set(tensor, upstream);
    else if (range && Number.isFinite(range.min) && Number.isFinite(range.max)) params.set(tensor, activationParams(range));
  }

  const head: Onnx.NodeProto[] = [];
  const added: Onnx.TensorProto[] = [];
  const dequantized = (tensor: string) => `${tensor}_dequantized`;
  const qdqPair = (tensor: string, p: QuantParams): Onnx.NodeProto[] => {
    added.push(tensorProto(`${tensor}_scale`, DataType.FLOAT, [], Float32Array.of(p.scale)));
    added.push(tensorProto(`${tensor}_zero_point`, DataType.UINT8, [], Uint8Array.of(p.zeroPoint)));
    const qParams = [`${tensor}_scale`, `${tensor}_zero_point`];
    return [
      node('QuantizeLinear', [tensor, ...qParams], [`${tensor}_quantized`], `${tensor}_QuantizeLinear`),
      node('DequantizeLinear', [`${tensor}_quantized`, ...qParams], [dequantized(tensor)], `${tensor}_DequantizeLinear`),
    ];
  };
  const replacedWeights = new Set<string>();
  const weightDq = (name: string, dataType: number, shape: number[], values: ArrayBufferView, scales: Float32Array, axis: number) => {
    const zeros = dataType === DataType.INT8 ? new Int8Array(scales.length) : new Int32Array(scales.length);
    added.push(tensorProto(`${name}_quantized`, dataType, shape, values));
    added.push(tensorProto(`${name}_scale`, DataType.FLOAT, [scales.length], scales));
    added.push(tensorProto(`${name}_zero_point`, dataType, [scales.length], zeros));
    head.push(
      node('DequantizeLinear', [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`], [dequantized(name)], `${name}_DequantizeLinear`, [
        intAttribute('axis', axis),
      ]),
    );
    replacedWeights.add(name);
  };

  for (const n of graph.node) {
    const inputs = inputsOf(n);
    if (!WEIGHTED_OPS.has(n.opType ?? '') || !isInitializer(inputs[1] ?? '')) continue;
    const weight = initializers.get(inputs[1] ?? '') as Onnx.TensorProto;
    const shape = dims(weight);
    const axis = weightAxis(n, shape.length);
    const { q, scales } = quantizeWeights(floatValues(weight), shape, axis, options.reduceRange);
    if (!replacedWeights.has(nameOf(weight))) weightDq(nameOf(weight), DataType.INT8, shape, q, scales, axis);
    const bias = initializers.get(inputs[2] ?? '');
    const inputScale = params.get(inputs[0] ?? '')?.scale;
    if (bias && inputScale && dims(bias).length === 1 && dims(bias)[0] === scales.length && !replacedWeights.has(nameOf(bias))) {
      const biasScales = scales.map((s) => s * inputScale);
      const qBias = Int32Array.from(floatValues(bias), (v, i) => Math.round(v / (biasScales[i] ?? 1)));
      weightDq(nameOf(bias), DataType.INT32, dims(bias), qBias, biasScales, 0);
    }
  }

  const body: Onnx.INodeProto[] = [];
  for (const input of graph.input) {
    const p = params.get(nameOf(input));
    if (p) head.push(...qdqPair(nameOf(input), p));
  }
  for (const n of graph.node) {
    const activations = new Set(activationInputs(n, isInitializer));
    n.input = inputsOf(n).map((name, i) => ((activations.has(i) && params.has(name)) || replacedWeights.has(name) ? dequantized(name) : name));
    body.push(n);
    for (const out of outputsOf(n)) {
      const p = params.get(out);
      if (p) body.push(...qdqPair(out, p));
    }
  }

  graph.node = [...head, ...body];
  graph.initializer = [...graph.initializer.filter((t) => !replacedWeights.has(nameOf(t))), ...added];
  graph.input = graph.input.filter((i) => !replacedWeights.has(nameOf(i)));
  model.metadataProps.push(
    onnx.StringStringEntryProto.create({
      key: 'quantization',
      value: `QDQ: per-channel symmetric int8 weights (${options.reduceRange ? '7' : '8'}-bit range), uint8 MinMax-calibrated activations, int32 biases`,
    }),
  );
  return model;
}
