/**
 * Which ONNX operators the quantizer handles and how, and the checks that
 * refuse any other model before work begins.
 */
import { defaultOpset, graphInputNames, onnx, type Onnx } from '../onnx/onnx-model';

export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';
}

/** Operators whose weight input becomes per-channel int8. */
export const WEIGHTED_OPS = new Set(['Conv', 'Gemm', 'MatMul']);

/** Operators whose output shares the input's quantization: they only move or select values. */
export const PASS_THROUGH_OPS = new Set(['MaxPool', 'Flatten', 'Reshape', 'Identity']);

/** Other operators that run between Q/DQ pairs in float. */
export const ACTIVATION_OPS = new Set(['Relu', 'Add', 'AveragePool', 'GlobalAveragePool', 'Softmax']);

/** Operators that produce no activations of their own. */
export const CONSTANT_OPS = new Set(['Constant']);

export const SUPPORTED_OPS = [...WEIGHTED_OPS, ...PASS_THROUGH_OPS, ...ACTIVATION_OPS, ...CONSTANT_OPS].sort();

/** Positions of a node's inputs that carry float activations (others are shapes or parameters). */
export function activationInputs(n: Onnx.INodeProto, isInitializer: (name: string) => boolean): number[] {
  const inputs = n.input ?? [];
  switch (n.opType) {
    case 'Conv':
    case 'Reshape':
      return [0];
    case 'Gemm':
    case 'MatMul':
      return isInitializer(inputs[1] ?? '') ? [0] : [0, 1];
    case 'Add':
      return [0, 1].filter((i) => !isInitializer(inputs[i] ?? ''));
    case 'Constant':
      return [];
    default:
      return [0];
  }
}

/** Refuses, naming the reason, any model this quantizer cannot handle. */
export function checkQuantizable(model: Onnx.IModelProto): void {
  const graph = model.graph;
  if (!graph) throw new QuantizeError('the model has no graph');
  const opset = defaultOpset(model);
  if (opset < 13) {
    throw new QuantizeError(`the model uses opset ${opset}; per-channel QDQ needs opset 13 or later (re-export with opset_version >= 13)`);
  }
  const unsupported = new Map<string, string>();
  for (const n of graph.node ?? []) {
    const op = n.opType ?? '';
    if (op === 'QuantizeLinear' || op === 'DequantizeLinear' || op.startsWith('QLinear')) {
      throw new QuantizeError(`the model is already quantized (node "${n.name}" is ${op})`);
    }
    if ((n.domain && n.domain !== 'ai.onnx') || !SUPPORTED_OPS.includes(op)) {
      if (!unsupported.has(op)) unsupported.set(op, n.name || n.output?.[0] || '?');
    }
  }
  if (unsupported.size > 0) {
    const list = [...unsupported].map(([op, at]) => `${op} (node "${at}")`).join(', ');
    throw new QuantizeError(`cannot quantize operator(s) ${list}; supported: ${SUPPORTED_OPS.join(', ')}`);
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  for (const n of graph.node ?? []) {
    if (n.opType === 'Conv' && !initializers.has(n.input?.[1] ?? '')) {
      throw new QuantizeError(`Conv node "${n.name}" takes its weight "${n.input?.[1]}" from another node; only constant weights can be quantized`);
    }
  }
  const inputs = graphInputNames(graph);
  if (inputs.length !== 1) throw new QuantizeError(`the model has ${inputs.length} inputs; a classifier with exactly one input is expected`);
  const input = graph.input?.find((i) => i.name === inputs[0]);
  if (input?.type?.tensorType?.elemType !== onnx.TensorProto.DataType.FLOAT) {
    throw new QuantizeError(`input "${inputs[0]}" is not a float32 tensor`);
  }
}
