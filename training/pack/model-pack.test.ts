/**
 * The committed model pack is what its manifest says: files and hashes,
 * agreement with PyTorch, held-out accuracies, the recorded split, its
 * "not a digit" class, and the gate rule its search picks.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelForRole, parseManifest, rejectRuleOf, type Manifest } from '../../src/core/manifest';
import { argmax } from '../../src/core/math/probabilities';
import { accuracyOf, agreement, runRows } from '../../tools/onnx/evaluate';
import { DataType, decodeModel } from '../../tools/onnx/onnx-model';
import { createSession } from '../../tools/onnx/runtime';
import { asSamples as samples, loadNegatives, loadPart, type LabelledSet } from '../data/datasets';
import { loadMnistDigits } from '../data/mnist-source';
import { indicesSha256, splitDigits } from '../data/split';
import { cascadeAt, chooseGate, pairPredictions } from '../evaluation/cascade';
import { ARTIFACTS_DIR } from './paths';

const MODELS = 'public/models';
const manifest: Manifest = parseManifest(JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')));
const edge = modelForRole(manifest, 'edge');
const cloud = modelForRole(manifest, 'cloud');
const bytesOf = (file: string) => readFileSync(join(MODELS, file));
const reject = rejectRuleOf(edge);
/** The pack's reject index, as the edge model's manifest entry gives it. */
const REJECT_INDEX = edge.labels.indexOf(edge.reject_label ?? '');

describe('model pack files', () => {
  it.each([edge, cloud])('$name: sha256 and size match the manifest', (model) => {
    const bytes = bytesOf(model.file);
    expect(bytes.byteLength).toBe(model.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(model.sha256);
  });

  it.each([edge, cloud])("$name: loads in onnxruntime-node with the manifest's input and output names", async (model) => {
    // onnxruntime's defaults: only names are read, so the options do not matter here.
    const session = await createSession(bytesOf(model.file));
    expect(session.inputNames).toEqual(model.inputs.map((i) => i.name));
    expect(session.outputNames).toEqual(model.outputs.map((o) => o.name));
    expect(model.inputs[0]?.shape).toEqual([-1, 1, 28, 28]);
    expect(model.outputs[0]?.shape).toEqual([-1, 11]);
    await session.release();
  });

  it('the small model is int8 in its weights, small, and a tenth of the full model at most', () => {
    const graph = decodeModel(bytesOf(edge.file)).graph;
    const int8 = (graph?.initializer ?? []).filter((t) => t.dataType === DataType.INT8);
    const floatWeights = (graph?.initializer ?? []).filter((t) => t.dataType === DataType.FLOAT && (t.dims?.length ?? 0) > 1);
    expect(int8.length).toBeGreaterThanOrEqual(4);
    expect(floatWeights).toEqual([]);
    expect(edge.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(edge.parameters).toBeLessThanOrEqual(cloud.parameters / 10);
  });
});

describe('the reject class', () => {
  it.each([edge, cloud])('$name: ten digits, then "not a digit" named as its reject label', (model) => {
    expect(model.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'not-a-digit']);
    expect(model.reject_label).toBe('not-a-digit');
    expect(model.labels.indexOf(model.reject_label ?? '')).toBe(REJECT_INDEX);
  });

  it("the edge model's gate has a reject rule, and says how it was chosen", () => {
    expect(reject?.index).toBe(REJECT_INDEX);
    expect(edge.gate?.chosen.validation.negatives?.count).toBe(2000);
    expect(edge.gate?.chosen.edge_answers?.decision).toMatch(/validation negatives/);
  });
});

describe('agreement with PyTorch on stored reference inputs', () => {
  const reference = JSON.parse(readFileSync(join(ARTIFACTS_DIR, 'reference.json'), 'utf8')) as {
    inputs: number[][];
    outputs: Record<'full' | 'small', number[][]>;
  };
  const input = { shape: [reference.inputs.length, 1, 28, 28], data: Float32Array.from(reference.inputs.flat()) };

  it.each([
    ['full', () => bytesOf(cloud.file)],
    ['small', () => readFileSync(join(ARTIFACTS_DIR, 'small-fp32.onnx'))],
  ] as const)('the %s fp32 model matches within 1e-4', async (name, load) => {
    const rows = await runRows(load(), input);
    rows.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - (reference.outputs[name][i]?.[j] ?? NaN))).toBeLessThan(1e-4)));
    // The inputs hold negatives too, so the reject output is compared where it wins.
    expect(rows.filter((row) => argmax(row) === REJECT_INDEX).length).toBeGreaterThanOrEqual(4);
  });
});

describe('held-out evaluation', () => {
  let heldout: LabelledSet;
  let full: Float32Array[];
  let int8: Float32Array[];
  beforeAll(async () => {
    heldout = loadPart('heldout');
    full = await runRows(bytesOf(cloud.file), samples(heldout));
    int8 = await runRows(bytesOf(edge.file), samples(heldout));
  });

  it('the split is the recorded one: stratified, disjoint, same fingerprint', () => {
    const split = splitDigits(loadMnistDigits());
    expect(indicesSha256(split.heldout)).toBe(manifest.dataset.split.heldoutIndicesSha256);
    expect(indicesSha256(split.validation)).toBe(manifest.dataset.split.validationIndicesSha256);
    const all = [...split.train, ...split.validation, ...split.heldout];
    expect(new Set(all).size).toBe(10_000);
    const perClass = new Map<number, number>();
    for (const label of heldout.labels) perClass.set(label, (perClass.get(label) ?? 0) + 1);
    expect([...perClass.values()]).toEqual(new Array(10).fill(200));
  });

  it("the manifest's held-out accuracies match a fresh evaluation", () => {
    expect(accuracyOf(full, heldout.labels)).toBe(cloud.metrics.heldout.accuracy);
    expect(accuracyOf(int8, heldout.labels)).toBe(edge.metrics.heldout.accuracy);
    expect(cloud.metrics.heldout.count).toBe(heldout.labels.length);
  });

  it('the int8 model agrees with the fp32 small model on at least 99% of held-out labels, digits and negatives', async () => {
    const fp32 = await runRows(readFileSync(join(ARTIFACTS_DIR, 'small-fp32.onnx')), samples(heldout));
    expect(agreement(int8, fp32)).toBeGreaterThanOrEqual(0.99);
    const negatives = samples(loadNegatives('heldout', REJECT_INDEX));
    const [int8Negatives, fp32Negatives] = [
      await runRows(bytesOf(edge.file), negatives),
      await runRows(readFileSync(join(ARTIFACTS_DIR, 'small-fp32.onnx')), negatives),
    ];
    expect(agreement(int8Negatives, fp32Negatives)).toBeGreaterThanOrEqual(0.99);
  });

  it('the pack meets its targets on the held-out split', async () => {
    const fullAccuracy = accuracyOf(full, heldout.labels);
    const int8Accuracy = accuracyOf(int8, heldout.labels);
    const fp32Accuracy = accuracyOf(await runRows(readFileSync(join(ARTIFACTS_DIR, 'small-fp32.onnx')), samples(heldout)), heldout.labels);
    const atGate = cascadeAt(pairPredictions(int8, full, heldout.labels), { threshold: edge.gate?.threshold ?? 1, reject });
    expect(fullAccuracy).toBeGreaterThanOrEqual(0.985);
    expect(int8Accuracy).toBeGreaterThanOrEqual(0.965);
    expect(fp32Accuracy - int8Accuracy).toBeLessThanOrEqual(0.005);
    expect(fullAccuracy - atGate.accuracy).toBeLessThanOrEqual(0.003);
    expect(atGate.escalated).toBeLessThanOrEqual(0.12);
    expect(atGate.rejected).toBeLessThanOrEqual(0.01);
  });

  it('the cascade rejects at least 90% of held-out negatives of kinds never trained on', async () => {
    const negatives = loadNegatives('heldout', REJECT_INDEX);
    const paired = pairPredictions(
      await runRows(bytesOf(edge.file), samples(negatives)),
      await runRows(bytesOf(cloud.file), samples(negatives)),
      negatives.labels,
    );
    expect(cascadeAt(paired, { threshold: edge.gate?.threshold ?? 1, reject }).rejected).toBeGreaterThanOrEqual(0.9);
  });

  it('the gate rule is the one the search picks on the validation digits and negatives', async () => {
    const paired = async (set: LabelledSet) =>
      pairPredictions(await runRows(bytesOf(edge.file), samples(set)), await runRows(bytesOf(cloud.file), samples(set)), set.labels);
    const digits = await paired(loadPart('validation'));
    const choice = chooseGate(digits, await paired(loadNegatives('validation', REJECT_INDEX)), REJECT_INDEX);
    expect(choice.chosen.digits.rule).toEqual({ threshold: edge.gate?.threshold, reject });
    expect(choice.chosen.negatives.rejected).toBe(edge.gate?.chosen.validation.negatives?.rejected);
    expect(choice.decision).toBe(edge.gate?.chosen.edge_answers?.decision);
    // The curve a threshold setting reads: the validation cascade at each threshold, the chosen one among them.
    const curve = edge.gate?.chosen.curve ?? [];
    expect(curve.map((p) => p.threshold)).toContain(edge.gate?.threshold);
    for (const point of curve) {
      const fresh = cascadeAt(digits, { threshold: point.threshold, reject });
      expect([point.escalated, point.two_phase_accuracy]).toEqual([fresh.escalated, fresh.accuracy]);
    }
  });
});
