/**
 * The committed reference files are what the manifest and the models say:
 * they parse, match their sha256, agree with the manifest's validation
 * figures, estimate their own accuracy closely, carry the edge gate's rate,
 * and come out byte for byte the same when computed again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/core/features/handwriting';
import { modelForRole, parseManifest, ReferenceSchema, rejectRuleOf, type Manifest, type ModelEntry, type Reference } from '../../src/core/manifest';
import { gate } from '../../src/core/math/gate';
import { softmax } from '../../src/core/math/probabilities';
import { runRows } from '../../tools/onnx/evaluate';
import { asSamples, loadPart, type LabelledSet } from '../data/datasets';
import { computeReference } from './compute';
import { formatReference, referencePath, sha256Of } from './write';

const MODELS = 'public/models';
const manifest: Manifest = parseManifest(JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')));
const edge = modelForRole(manifest, 'edge');
const cloud = modelForRole(manifest, 'cloud');

function committed(model: ModelEntry): { text: string; reference: Reference } {
  if (!model.reference) throw new Error(`${model.name} ${model.version} has no reference in the manifest`);
  const text = readFileSync(join(MODELS, model.reference.file), 'utf8');
  return { text, reference: ReferenceSchema.parse(JSON.parse(text)) };
}

describe.each(manifest.models)('reference statistics of $name $version', (model) => {
  it('is recorded in the manifest, parses, and matches its sha256', () => {
    expect(model.reference?.file).toBe(referencePath(model));
    const { text, reference } = committed(model);
    expect(sha256Of(text)).toBe(model.reference?.sha256);
    expect([reference.model, reference.version, reference.labels]).toEqual([model.name, model.version, model.labels]);
    expect(reference.count).toBe(manifest.dataset.split.counts.validation);
    expect(reference.features.map((f) => f.name)).toEqual([...FEATURE_NAMES]);
  });

  it("is the formatter's own text (so a recomputation can be compared byte for byte)", () => {
    const { text, reference } = committed(model);
    expect(formatReference(reference)).toBe(text);
  });

  it("has the manifest's validation accuracy where it records one, else a sensible one", () => {
    const { reference } = committed(model);
    // The edge gate's record holds the full model's validation accuracy; nothing records the small model's.
    if (model === cloud) expect(reference.accuracy).toBe(edge.gate?.chosen.validation.full_accuracy);
    else expect(reference.accuracy).toBeGreaterThan(0.9);
  });

  it('estimates its accuracy from calibrated confidence within 0.01', () => {
    const { reference } = committed(model);
    expect(Math.abs(reference.estimated_accuracy - reference.accuracy)).toBeLessThanOrEqual(0.01);
  });

  it('has a gate rate exactly when the model has a gate', () => {
    expect(committed(model).reference.gate_rate === null).toBe(model.gate === undefined);
  });
});

describe('recomputed from the models', () => {
  let validation: LabelledSet;
  const logits = new Map<ModelEntry, Float32Array[]>();
  beforeAll(async () => {
    validation = loadPart('validation');
    for (const model of [edge, cloud]) logits.set(model, await runRows(readFileSync(join(MODELS, model.file)), asSamples(validation)));
  });

  it("the edge model's gate rate is what its threshold gives on the validation split", () => {
    const threshold = edge.gate?.threshold ?? NaN;
    const fired = (logits.get(edge) ?? []).filter((row) => gate(softmax(row), threshold, rejectRuleOf(edge)).escalate).length;
    expect(committed(edge).reference.gate_rate).toBe(fired / validation.labels.length);
    expect(committed(edge).reference.gate_rate).toBe(edge.gate?.chosen.validation.escalated);
  });

  it.each([edge, cloud])('$name: computing the reference again gives the committed bytes', (model) => {
    const text = formatReference(computeReference(model, logits.get(model) ?? [], validation));
    expect(text).toBe(committed(model).text);
  });
});
