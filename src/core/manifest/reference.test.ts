/**
 * The reference statistics schema accepts a consistent file and refuses the
 * inconsistencies a consumer would trip over (lengths, sums, edge order,
 * calibration shape); the bin convention puts values where the schema says.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceSchema, referenceBin, type Reference } from './reference';

function sample(): Reference {
  return {
    schema_version: 1,
    model: 'tiny',
    version: '1',
    split: 'validation',
    count: 3,
    labels: ['a', 'b'],
    features: [{ name: 'ink_mass', description: 'ink', values: [0.1, 0.2, 0.3], edges: [0.2, 0.3] }],
    confidence: { values: [0.6, 0.9, 1], edges: [0.9, 1] },
    label_distribution: [2, 1],
    true_label_distribution: [1, 2],
    accuracy: 2 / 3,
    gate_rate: null,
    calibration: { method: 'isotonic', x: [0.6, 0.9, 1], y: [0, 1, 1] },
    estimated_accuracy: 2 / 3,
  };
}

function broken(change: (r: Reference) => void): unknown {
  const reference = sample();
  change(reference);
  return reference;
}

describe('ReferenceSchema', () => {
  it('accepts a consistent reference', () => {
    expect(ReferenceSchema.parse(sample())).toEqual(sample());
  });

  it.each([
    ['a feature with too few values', (r: Reference) => r.features[0]?.values.pop(), 'features.0.values'],
    ['confidences for another count', (r: Reference) => r.confidence.values.push(0.5), 'confidence.values'],
    ['edges out of order', (r: Reference) => (r.confidence.edges = [1, 0.9]), 'confidence.edges'],
    ['repeated edges', (r: Reference) => (r.confidence.edges = [0.9, 0.9]), 'confidence.edges'],
    ['a label count per label missing', (r: Reference) => (r.label_distribution = [3]), 'label_distribution'],
    ['counts that do not sum to count', (r: Reference) => (r.true_label_distribution = [1, 1]), 'true_label_distribution'],
    ['a decreasing calibration', (r: Reference) => (r.calibration.y = [1, 0, 1]), 'calibration.y'],
    ['repeated calibration breakpoints', (r: Reference) => (r.calibration.x = [0.6, 0.6, 1]), 'calibration.x'],
    ['calibration lists of two lengths', (r: Reference) => r.calibration.x.pop(), 'calibration.y'],
    ['a NaN value', (r: Reference) => (r.features[0]!.values[0] = Number.NaN), 'features.0.values.0'],
    ['a gate rate above 1', (r: Reference) => (r.gate_rate = 1.5), 'gate_rate'],
    ['another split', (r: Reference) => Object.assign(r, { split: 'heldout' }), 'split'],
  ])('refuses %s, naming the field', (_what, change, path) => {
    const result = ReferenceSchema.safeParse(broken(change));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('referenceBin', () => {
  it('puts values in (-inf, e0), [e0, e1), ..., [e_last, inf)', () => {
    const edges = [0.2, 0.5, 0.9];
    expect([-1, 0.19, 0.2, 0.49, 0.5, 0.9, 7].map((v) => referenceBin(edges, v))).toEqual([0, 0, 1, 1, 2, 3, 3]);
    expect(referenceBin([1], 1)).toBe(1);
  });
});
