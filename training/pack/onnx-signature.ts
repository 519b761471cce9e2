/** A model's inputs and outputs, read from its ONNX graph as the manifest states them (-1 for variable axes). */
import { graphInputNames, onnx, type Onnx } from '../../tools/onnx/onnx-model';
import type { TensorSpec } from '../../src/core/manifest';

function spec(info: Onnx.IValueInfoProto): TensorSpec {
  const tensorType = info.type?.tensorType;
  if (tensorType?.elemType !== onnx.TensorProto.DataType.FLOAT) throw new Error(`tensor "${info.name}" is not float32`);
  const shape = (tensorType.shape?.dim ?? []).map((d) => (d.dimParam || d.dimValue === null || d.dimValue === undefined ? -1 : Number(d.dimValue)));
  return { name: info.name ?? '', dtype: 'float32', shape };
}

export function signatureOf(bytes: Uint8Array): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const graph = onnx.ModelProto.decode(bytes).graph as Onnx.GraphProto;
  const inputNames = new Set(graphInputNames(graph));
  return {
    inputs: graph.input.filter((i) => inputNames.has(i.name ?? '')).map(spec),
    outputs: graph.output.map(spec),
  };
}
