/**
 * Manifest validation accepts the committed manifest and refuses each kind of
 * broken one with a message naming the field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManifestError, modelForRole, parseManifest, rejectRuleOf } from './validate';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- these tests break the manifest's JSON on purpose
type Json = any;

const committed = () => JSON.parse(readFileSync('public/models/manifest.json', 'utf8'));

/** The committed manifest with one change applied. */
function broken(change: (m: Json) => void): unknown {
  const manifest = committed();
  change(manifest);
  return manifest;
}

describe('model manifest validation', () => {
  it('accepts the committed manifest and finds each role', () => {
    const manifest = parseManifest(committed());
    expect(modelForRole(manifest, 'edge').precision).toBe('int8');
    expect(modelForRole(manifest, 'cloud').precision).toBe('fp32');
  });

  it.each([
    ['a missing sha256', (m: Json) => delete m.models[0].sha256, /models\[0\]\.sha256/],
    ['a short sha256', (m: Json) => (m.models[1].sha256 = 'abc'), /models\[1\]\.sha256: expected 64 lowercase hex/],
    ['a threshold above 1', (m: Json) => (m.models[0].gate.threshold = 1.5), /models\[0\]\.gate\.threshold/],
    ['an unknown precision', (m: Json) => (m.models[0].precision = 'int4'), /models\[0\]\.precision/],
    ['a zero dimension', (m: Json) => (m.models[1].inputs[0].shape = [-1, 0, 28, 28]), /models\[1\]\.inputs\[0\]\.shape\[1\]/],
    ['labels that do not match the outputs', (m: Json) => m.models[1].labels.pop(), /models\[1\]\.labels: 10 labels for 11 output classes/],
    ['an edge model without a gate', (m: Json) => delete m.models[0].gate, /models\[0\]\.gate: the edge model needs a gate/],
    ['no cloud model', (m: Json) => (m.models[1].role = 'edge'), /no model has role "cloud"|models\[1\]\.gate/],
    ['an unknown preprocessing id', (m: Json) => (m.models[0].preprocessing.id = 'imagenet-224'), /models\[0\]\.preprocessing\.id: unknown id "imagenet-224"/],
    ['a wrong schema version', (m: Json) => (m.schema_version = 2), /schema_version/],
    ['a file outside the layout', (m: Json) => (m.models[0].file = '../../etc/passwd'), /models\[0\]\.file/],
    [
      'a bad reference sha256',
      (m: Json) => (m.models[0].reference = { file: 'digits-small/1/reference.json', sha256: 'ABC' }),
      /models\[0\]\.reference\.sha256: expected 64 lowercase hex/,
    ],
    [
      "a reference file of another model's version",
      (m: Json) => (m.models[1].reference = { file: 'digits-small/1/reference.json', sha256: '0'.repeat(64) }),
      /models\[1\]\.reference\.file: expected a file under digits-full\/1\//,
    ],
    [
      'a reject label that is not a label',
      (m: Json) => (m.models[0].reject_label = 'not a digit'),
      /models\[0\]\.reject_label: "not a digit" is not one of the labels/,
    ],
    [
      'a reject gate without a reject label',
      (m: Json) => delete m.models[0].reject_label,
      /models\[0\]\.gate\.reject: a reject gate needs the model to name its reject_label/,
    ],
    [
      'a reject gate that escalates above where it answers',
      (m: Json) => {
        m.models[0].reject_label = '9';
        m.models[0].gate.reject = { on: 'reject_probability', escalate_at: 0.95, answer_at: 0.9 };
      },
      /models\[0\]\.gate\.reject\.escalate_at: expected at most answer_at/,
    ],
  ])('rejects %s, naming the field', (_what, change, message) => {
    expect(() => parseManifest(broken(change))).toThrow(ManifestError);
    expect(() => parseManifest(broken(change))).toThrow(message);
  });

  it('accepts a model without reference statistics: they are optional', () => {
    const manifest = parseManifest(broken((m: Json) => m.models.forEach((model: Json) => delete model.reference)));
    expect(manifest.models.every((m) => m.reference === undefined)).toBe(true);
  });

  const training = {
    from_version: '1',
    audit_id: '42',
    seed: 1234,
    epochs: 3,
    finetune: { count: 70, keys_sha256: 'a'.repeat(64), until: '2026-12-05T10:00:00.000Z' },
    original: { digits_per_epoch: 3000, negatives_per_epoch: 750 },
    fresh: { count: 30, share: 0.3, keys_sha256: 'b'.repeat(64), from: '2026-12-05T10:00:01.000Z', accuracy: 0.9, previous_accuracy: 0.8 },
  };

  it('accepts what a retrained version says it was trained and tested on', () => {
    const manifest = parseManifest(broken((m: Json) => (m.models[1].training = training)));
    expect(manifest.models[1]?.training).toEqual(training);
    expect(parseManifest(committed()).models.every((m) => m.training === undefined)).toBe(true);
  });

  it.each([
    ['an empty fresh test set', (t: Json) => (t.fresh.count = 0), /models\[1\]\.training\.fresh\.count/],
    ['a fresh share of 1.5', (t: Json) => (t.fresh.share = 1.5), /models\[1\]\.training\.fresh\.share/],
    ['a time without a zone', (t: Json) => (t.fresh.from = '2026-12-05 10:00'), /models\[1\]\.training\.fresh\.from/],
    ['a version that is not a number', (t: Json) => (t.from_version = 'v1'), /models\[1\]\.training\.from_version/],
  ])('rejects training figures with %s, naming the field', (_what, change, message) => {
    const copy = structuredClone(training) as Json;
    change(copy);
    expect(() => parseManifest(broken((m: Json) => (m.models[1].training = copy)))).toThrow(message);
  });

  it('reads a reject gate into the rule the edge applies, and none without one', () => {
    const manifest = parseManifest(broken((m: Json) => (m.models[0].gate.reject = { on: 'reject_probability', escalate_at: 0.02, answer_at: 0.95 })));
    expect(rejectRuleOf(modelForRole(manifest, 'edge'))).toEqual({ index: 10, escalateAt: 0.02, answerAt: 0.95 });
    const cloudOnly = parseManifest(broken((m: Json) => delete m.models[0].gate.reject.answer_at));
    expect(rejectRuleOf(modelForRole(cloudOnly, 'edge'))).toEqual({ index: 10, escalateAt: 0.01, answerAt: undefined });
    const withoutReject = parseManifest(broken((m: Json) => delete m.models[0].gate.reject));
    expect(rejectRuleOf(modelForRole(withoutReject, 'edge'))).toBeUndefined();
  });

  it('rejects something that is not a manifest at all', () => {
    expect(() => parseManifest('hello')).toThrow(/invalid model manifest: \(root\)/);
  });
});
