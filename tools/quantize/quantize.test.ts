/**
 * The int8 quantizer on synthetic models: per-channel weights, a QDQ graph that
 * runs close to the float model in onnxruntime-node and -web alike, and
 * refusals of models it cannot handle.
 */
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { agreement, runRows } from '../onnx/evaluate';
import { DataType, decodeModel, dims } from '../onnx/onnx-model';
import { createSession, runFloat32 } from '../onnx/runtime';
import { QuantizeError } from './operators';
import { quantizeWeights } from './qdq';
import { quantizeModel } from './quantize';
import { convClassifier, matmulClassifier, randomSamples, residualClassifier, withBatchNorm } from './testing/synthetic-models';

const initializerTypes = (bytes: Uint8Array) => new Map((decodeModel(bytes).graph?.initializer ?? []).map((t) => [t.name ?? '', t.dataType ?? 0]));
const opTypes = (bytes: Uint8Array) => (decodeModel(bytes).graph?.node ?? []).map((n) => n.opType);

function maxRelativeError(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let err = 0;
  let scale = 0;
  a.forEach((row, i) =>
    row.forEach((v, j) => {
      err = Math.max(err, Math.abs(v - (b[i]?.[j] ?? 0)));
      scale = Math.max(scale, Math.abs(v));
    }),
  );
  return err / scale;
}

describe('per-channel symmetric weights', () => {
  it("maps each output channel's largest magnitude to +-127 with its own scale", () => {
    const values = Float32Array.of(1, -2, 0.5, 0.25, 0.1, -0.05);
    const { q, scales } = quantizeWeights(values, [2, 3], 0);
    expect(Array.from(scales)).toEqual([expect.closeTo(2 / 127, 7), expect.closeTo(0.25 / 127, 7)]);
    expect(Array.from(q)).toEqual([64, -127, 32, 127, 51, -25]);
  });

  it('keeps to -63..63 with the reduced range', () => {
    const { q } = quantizeWeights(Float32Array.of(1.2, -2, 0.5), [1, 3], 0, true);
    expect(Array.from(q)).toEqual([38, -63, 16]);
  });

  it('runs along the last axis for MatMul-style [in, out] weights', () => {
    const { scales } = quantizeWeights(Float32Array.of(1, 4, -2, 1), [2, 2], 1);
    expect(Array.from(scales)).toEqual([expect.closeTo(2 / 127, 7), expect.closeTo(4 / 127, 7)]);
  });
});

describe.each([
  ['Conv/Relu/MaxPool/Flatten/Gemm', convClassifier, [64, 1, 8, 8], ['conv_w', 'fc_w']],
  ['MatMul/Add/Relu/MatMul', matmulClassifier, [64, 16], ['w1', 'w2']],
  ['residual Conv/Add/Reshape/MatMul', residualClassifier, [64, 1, 8, 8], ['c1_w', 'c2_w', 'fc_w']],
])('quantizing a %s classifier', (_name, build, shape, weightNames) => {
  const original = build();
  const samples = randomSamples(shape, 11);

  it('stores int8 weights, int32 biases and QDQ pairs, and no float weights', async () => {
    const quantized = await quantizeModel(decodeModel(original), samples);
    const types = initializerTypes(quantized);
    for (const w of weightNames) {
      expect(types.get(`${w}_quantized`)).toBe(DataType.INT8);
      expect(types.has(w)).toBe(false);
    }
    const ops = opTypes(quantized);
    expect(ops).toContain('QuantizeLinear');
    expect(ops).toContain('DequantizeLinear');
    if (types.has('conv_b_quantized')) expect(types.get('conv_b_quantized')).toBe(DataType.INT32);
  });

  it('runs in onnxruntime-node close to the float model', async () => {
    const quantized = await quantizeModel(decodeModel(original), samples);
    const fresh = randomSamples(shape, 12);
    const before = await runRows(original, fresh);
    const after = await runRows(quantized, fresh);
    expect(maxRelativeError(before, after)).toBeLessThan(0.05);
    expect(agreement(before, after)).toBeGreaterThanOrEqual(0.9);
  });

  it('runs in onnxruntime-web (WASM) with the same outputs as onnxruntime-node', async () => {
    const quantized = await quantizeModel(decodeModel(original), samples);
    ortWeb.env.wasm.numThreads = 1;
    const web = await ortWeb.InferenceSession.create(quantized);
    // onnxruntime's defaults, as before, beside onnxruntime-web's.
    const node = await createSession(quantized);
    const input = new Float32Array(samples.data.subarray(0, samples.data.length / 8));
    const dimsOf = [shape[0]! / 8, ...shape.slice(1)];
    const webOut = (await web.run({ input: new ortWeb.Tensor('float32', input, dimsOf) }))['logits']?.data as Float32Array;
    const nodeOut = (await runFloat32(node, 'input', input, dimsOf))['logits'] as Float32Array;
    expect(webOut.length).toBe(nodeOut.length);
    webOut.forEach((v, i) => expect(v).toBeCloseTo(nodeOut[i] ?? NaN, 4));
  });
});

describe('models the quantizer refuses', () => {
  const samples = randomSamples([4, 1, 4, 4], 1);

  it('names an unsupported operator and its node', async () => {
    await expect(quantizeModel(decodeModel(withBatchNorm()), samples)).rejects.toThrow(
      /cannot quantize operator\(s\) BatchNormalization \(node "bn1"\); supported: .*Conv/,
    );
  });

  it('asks for opset 13 or later', async () => {
    await expect(quantizeModel(decodeModel(convClassifier(11)), randomSamples([4, 1, 8, 8], 1))).rejects.toThrow(/opset 11; per-channel QDQ needs opset 13/);
  });

  it('refuses a model that is already quantized', async () => {
    const once = await quantizeModel(decodeModel(convClassifier()), randomSamples([8, 1, 8, 8], 1));
    await expect(quantizeModel(decodeModel(once), randomSamples([8, 1, 8, 8], 1))).rejects.toThrow(QuantizeError);
    await expect(quantizeModel(decodeModel(once), randomSamples([8, 1, 8, 8], 1))).rejects.toThrow(/already quantized/);
  });

  it('keeps weight shapes', async () => {
    const quantized = decodeModel(await quantizeModel(decodeModel(convClassifier()), randomSamples([8, 1, 8, 8], 1)));
    const w = quantized.graph?.initializer?.find((t) => t.name === 'conv_w_quantized');
    expect(w && dims(w)).toEqual([4, 1, 3, 3]);
  });
});
