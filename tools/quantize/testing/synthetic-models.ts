/** Small float ONNX classifiers built from scratch, to test the quantizer on graphs other than ours. */
import { seededRandom } from '../../../training/data/random';
import { DataType, encodeModel, intAttribute, node, onnx, tensorProto, type Onnx } from '../../onnx/onnx-model';

function weights(count: number, seed: number, scale = 0.5): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => (random() * 2 - 1) * scale);
}

function valueInfo(name: string, shape: (number | string)[]): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function model(
  nodes: Onnx.INodeProto[],
  initializers: Onnx.ITensorProto[],
  inputs: Onnx.IValueInfoProto[],
  output: Onnx.IValueInfoProto,
  opset = 17,
): Uint8Array {
  return encodeModel(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: opset }],
      producerName: 'synthetic',
      graph: { name: 'synthetic', node: nodes, initializer: initializers, input: inputs, output: [output] },
    }),
  );
}

/** input [N,1,8,8] -> Conv(4, 3x3, pad 1) -> Relu -> MaxPool 2 -> Flatten -> Gemm(transB) -> logits [N,3] */
export function convClassifier(opset = 17): Uint8Array {
  return model(
    [
      node('Conv', ['input', 'conv_w', 'conv_b'], ['conv'], 'conv', [{ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] }]),
      node('Relu', ['conv'], ['relu'], 'relu'),
      node('MaxPool', ['relu'], ['pool'], 'pool', [
        { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
        { name: 'strides', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
      ]),
      node('Flatten', ['pool'], ['flat'], 'flatten', [intAttribute('axis', 1)]),
      node('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], 'fc', [intAttribute('transB', 1)]),
    ],
    [
      tensorProto('conv_w', DataType.FLOAT, [4, 1, 3, 3], weights(36, 1)),
      tensorProto('conv_b', DataType.FLOAT, [4], weights(4, 2, 0.1)),
      tensorProto('fc_w', DataType.FLOAT, [3, 64], weights(192, 3, 0.3)),
      tensorProto('fc_b', DataType.FLOAT, [3], weights(3, 4, 0.1)),
    ],
    [valueInfo('input', ['batch', 1, 8, 8])],
    valueInfo('logits', ['batch', 3]),
    opset,
  );
}

/** input [N,16] -> MatMul -> Add -> Relu -> MatMul -> logits [N,4]: a perceptron without Gemm. */
export function matmulClassifier(): Uint8Array {
  return model(
    [
      node('MatMul', ['input', 'w1'], ['h'], 'mm1'),
      node('Add', ['h', 'b1'], ['hb'], 'add1'),
      node('Relu', ['hb'], ['hr'], 'relu1'),
      node('MatMul', ['hr', 'w2'], ['logits'], 'mm2'),
    ],
    [
      tensorProto('w1', DataType.FLOAT, [16, 8], weights(128, 5)),
      tensorProto('b1', DataType.FLOAT, [8], weights(8, 6, 0.1)),
      tensorProto('w2', DataType.FLOAT, [8, 4], weights(32, 7)),
    ],
    [valueInfo('input', ['batch', 16])],
    valueInfo('logits', ['batch', 4]),
  );
}

/**
 * input [N,1,8,8] -> Conv -> Relu -> Conv(pad 1) -> Add(residual) -> Relu
 * -> Reshape([-1, 128]) -> MatMul -> logits [N,5]: two activations meet in Add,
 * and Reshape takes an int64 shape the quantizer must leave alone.
 */
export function residualClassifier(): Uint8Array {
  const pads = { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] };
  return model(
    [
      node('Conv', ['input', 'c1_w', 'c1_b'], ['c1'], 'conv1', [pads]),
      node('Relu', ['c1'], ['r1'], 'relu1'),
      node('Conv', ['r1', 'c2_w'], ['c2'], 'conv2', [pads]),
      node('Add', ['c2', 'r1'], ['sum'], 'residual'),
      node('Relu', ['sum'], ['r2'], 'relu2'),
      node('Reshape', ['r2', 'shape'], ['flat'], 'reshape'),
      node('MatMul', ['flat', 'fc_w'], ['logits'], 'fc'),
    ],
    [
      tensorProto('c1_w', DataType.FLOAT, [2, 1, 3, 3], weights(18, 21)),
      tensorProto('c1_b', DataType.FLOAT, [2], weights(2, 22, 0.1)),
      tensorProto('c2_w', DataType.FLOAT, [2, 2, 3, 3], weights(36, 23)),
      tensorProto('shape', DataType.INT64, [2], BigInt64Array.of(-1n, 128n)),
      tensorProto('fc_w', DataType.FLOAT, [128, 5], weights(640, 24, 0.2)),
    ],
    [valueInfo('input', ['batch', 1, 8, 8])],
    valueInfo('logits', ['batch', 5]),
  );
}

/** A graph with an operator the quantizer does not handle. */
export function withBatchNorm(): Uint8Array {
  return model(
    [node('BatchNormalization', ['input', 's', 'b', 'm', 'v'], ['bn'], 'bn1'), node('Flatten', ['bn'], ['logits'], 'flatten')],
    ['s', 'b', 'm', 'v'].map((n, i) => tensorProto(n, DataType.FLOAT, [1], Float32Array.of(i === 3 ? 1 : 0.5))),
    [valueInfo('input', ['batch', 1, 4, 4])],
    valueInfo('logits', ['batch', 16]),
  );
}

/** Random inputs in 0..1 as a samples file would hold them. */
export function randomSamples(shape: number[], seed: number): { shape: number[]; data: Float32Array } {
  const count = shape.reduce((a, b) => a * b, 1);
  const random = seededRandom(seed);
  return { shape, data: Float32Array.from({ length: count }, () => random()) };
}
