/**
 * The first step of quantization: runs the float model over sample inputs in
 * onnxruntime-node to learn the range of each activation.
 */
import { encodeModel, graphInputNames, onnx, type Onnx } from '../onnx/onnx-model';
import { createSession, runFloat32 } from '../onnx/runtime';
import type { Samples } from '../onnx/samples-file';

export interface Range {
  min: number;
  max: number;
}

/** Float activations of the graph: the input and every non-constant node's first output. */
export function activationTensors(graph: Onnx.IGraphProto): string[] {
  const names = graphInputNames(graph);
  for (const n of graph.node ?? []) {
    if (n.opType !== 'Constant' && n.output?.[0]) names.push(n.output[0]);
  }
  return names;
}

/** A copy of the model that also outputs every activation, so one run sees them all. */
function exposeActivations(model: Onnx.IModelProto, tensors: readonly string[]): Uint8Array {
  const copy = onnx.ModelProto.decode(encodeModel(model));
  const graph = copy.graph as Onnx.GraphProto;
  const existing = new Set(graph.output.map((o) => o.name));
  for (const name of tensors) {
    if (existing.has(name)) continue;
    graph.output.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  }
  return encodeModel(copy);
}

/** Min and max of every activation over the calibration samples (MinMax calibration). */
export async function calibrate(model: Onnx.IModelProto, samples: Samples, batchSize = 64): Promise<Map<string, Range>> {
  const graph = model.graph as Onnx.IGraphProto;
  const tensors = activationTensors(graph);
  // onnxruntime's defaults, as before: the ranges stay exactly those that built the shipped int8 model.
  const session = await createSession(exposeActivations(model, tensors));
  const inputName = samples.input ?? graphInputNames(graph)[0] ?? '';
  const count = samples.shape[0] ?? 0;
  const perSample = samples.data.length / count;
  const ranges = new Map<string, Range>(tensors.map((t) => [t, { min: Infinity, max: -Infinity }]));
  try {
    for (let start = 0; start < count; start += batchSize) {
      const rows = Math.min(batchSize, count - start);
      const data = samples.data.subarray(start * perSample, (start + rows) * perSample);
      const results = await runFloat32(session, inputName, data, [rows, ...samples.shape.slice(1)], tensors);
      for (const name of tensors) {
        const values = results[name] as Float32Array;
        const range = ranges.get(name) as Range;
        for (const v of values) {
          if (v < range.min) range.min = v;
          if (v > range.max) range.max = v;
        }
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}
