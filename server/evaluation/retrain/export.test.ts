/**
 * The export a retraining learns from: labelled inputs of one model, one per
 * key with its latest label, and the newest share by label time kept aside
 * as the fresh test set, which the fine-tuning files never hold (checked by
 * keys and by the inputs themselves), from PGlite and from PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, freshStore, tempDir } from '../../../test/db/backends';
import type { DatabaseKind } from '../../db/database';
import { openDatabase } from '../../db/open';
import { readSamples } from '../../../tools/onnx/samples-file';
import { exportForRetraining, retrainCommand, TooFewLabelsError } from './command';
import { splitFresh, type LabelledInput, type SplitFile } from './export';
import { fillStore, type Feedback } from './testing/feedback-store';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const MINUTE = 60_000;
/** A recognisable input per row: every value n/255 (so it survives the log's one byte per value). */
const inputOf = (n: number) => new Float32Array(784).fill((n % 256) / 255);

const row = (key: string, labelTime: number, predictionTime = 0): LabelledInput => ({
  key,
  labelIndex: 1,
  labelTime,
  predictionTime,
  input: new Uint8Array(784),
});

describe('splitFresh', () => {
  it('keeps the newest share by label time aside, then by prediction time, whatever the keys', () => {
    // Keys in the opposite order of time, so key order would pick the wrong ones.
    const rows = Array.from({ length: 10 }, (_, i) => row(`k${9 - i}`, T0 + i * MINUTE));
    const split = splitFresh(rows, 0.3);
    expect(split.fresh.map((r) => r.key)).toEqual(['k2', 'k1', 'k0']);
    expect(split.finetune.map((r) => r.key)).toEqual(['k9', 'k8', 'k7', 'k6', 'k5', 'k4', 'k3']);
    const tied = splitFresh([row('a', T0, 3), row('b', T0, 1), row('c', T0, 2)], 0.3);
    expect(tied.fresh.map((r) => r.key)).toEqual(['a']);
  });

  it('rounds the fresh side up and leaves each side at least one row', () => {
    expect(
      splitFresh(
        Array.from({ length: 51 }, (_, i) => row(`k${i}`, i)),
        0.3,
      ).fresh,
    ).toHaveLength(16);
    const two = splitFresh([row('a', 1), row('b', 2)], 0.9);
    expect([two.finetune.length, two.fresh.length]).toEqual([1, 1]);
    expect(() => splitFresh([row('a', 1)], 1)).toThrow(/between 0 and 1/);
  });
});

describe.each(BACKENDS)('exportForRetraining (%s)', (kind: DatabaseKind) => {
  /** 60 labelled inputs of digits-full, labelled in the reverse order of their keys, and rows that must not be exported. */
  function feedback(): Feedback[] {
    const rows: Feedback[] = Array.from({ length: 60 }, (_, i) => ({
      key: `key-${String(i).padStart(2, '0')}`,
      model: 'digits-full',
      time: T0 + i * MINUTE,
      input: inputOf(i + 1),
      label: { label: String(i % 10), time: T0 + (100 - i) * MINUTE },
    }));
    return [
      ...rows,
      // The same key answered again by another version and source later: one row per key, the newest input.
      { key: 'key-00', model: 'digits-full', version: '2', source: 'shadow', time: T0 + 500 * MINUTE, input: inputOf(200) },
      // Without an input, without a label, of another model, with a label the model does not have: not exported.
      { key: 'no-input', model: 'digits-full', time: T0, input: undefined, label: { label: '3', time: T0 + 999 * MINUTE } },
      { key: 'no-label', model: 'digits-full', time: T0, input: inputOf(7) },
      { key: 'other-model', model: 'digits-small', time: T0, input: inputOf(8), label: { label: '4', time: T0 + 999 * MINUTE } },
      { key: 'unknown-label', model: 'digits-full', time: T0, input: inputOf(9), label: { label: 'cat', time: T0 + 999 * MINUTE } },
    ];
  }

  async function storeWith(rows: readonly Feedback[]) {
    const { settings } = await freshStore(kind);
    const db = await openDatabase(settings);
    try {
      await fillStore(db, rows);
    } finally {
      await db.close();
    }
    return settings;
  }

  it('writes the newest 30% by label time as the fresh set, and no fresh key or input in the fine-tuning files', async () => {
    const store = await storeWith(feedback());
    const work = tempDir('retrain-export-');
    const options = { store, registry: 'public/models', model: 'digits-full', freshShare: 0.3, minLabels: 50, work };
    const split = await exportForRetraining(options);
    const onDisk = JSON.parse(readFileSync(join(work, 'split.json'), 'utf8')) as SplitFile;
    expect(onDisk).toEqual(split);

    // Labelled in reverse key order: the newest labels are the lowest keys.
    expect(split.fresh.count).toBe(18);
    expect(new Set(split.fresh.keys)).toEqual(new Set(Array.from({ length: 18 }, (_, i) => `key-${String(i).padStart(2, '0')}`)));
    expect(split.finetune.count).toBe(42);
    expect(split.finetune.keys.filter((k) => split.fresh.keys.includes(k))).toEqual([]);
    expect(new Set([...split.finetune.keys, ...split.fresh.keys]).size).toBe(60);
    expect(Date.parse(split.finetune.until ?? '')).toBeLessThan(Date.parse(split.fresh.from ?? ''));

    for (const part of ['finetune', 'fresh'] as const) {
      const samples = await readSamples(join(work, `${part}.samples.json`));
      const keys = JSON.parse(readFileSync(join(work, `${part}.keys.json`), 'utf8')) as string[];
      expect(keys).toEqual(split[part].keys);
      expect(samples.shape).toEqual([keys.length, 1, 28, 28]);
      // Each row is its key's input and latest label (key-00's is the newest prediction's).
      keys.forEach((key, i) => {
        const n = Number(key.slice(4));
        expect(samples.data[i * 784]).toBeCloseTo(((n === 0 ? 200 : n + 1) % 256) / 255, 6);
        expect(samples.labels?.[i]).toBe(n % 10);
      });
    }
    // The fine-tuning inputs hold none of the fresh inputs.
    const values = async (part: string) => {
      const s = await readSamples(join(work, `${part}.samples.json`));
      return Array.from({ length: s.shape[0] ?? 0 }, (_, i) => s.data[i * 784]);
    };
    const fresh = new Set(await values('fresh'));
    expect((await values('finetune')).filter((v) => fresh.has(v))).toEqual([]);
  });

  it('refuses fewer labelled inputs than the minimum, and writes nothing', async () => {
    const store = await storeWith(feedback().slice(0, 40));
    const work = join(tempDir('retrain-export-'), 'work');
    const options = { store, registry: 'public/models', model: 'digits-full', freshShare: 0.3, minLabels: 50, work };
    await expect(exportForRetraining(options)).rejects.toThrow(TooFewLabelsError);
    await expect(exportForRetraining(options)).rejects.toThrow(/digits-full has 40 labelled predictions with a stored input, fewer than the 50/);
    expect(() => readFileSync(join(work, 'split.json'))).toThrow(/ENOENT/);
  });

  it.skipIf(kind !== 'pglite')('names --from-export when a running process holds the PGlite store', async () => {
    const store = await storeWith(feedback());
    const holder = await openDatabase(store);
    try {
      const io = { env: {}, out: () => {}, err: () => {} };
      const run = retrainCommand(['--model', 'digits-full', '--data-dir', store.dataDir, '--work', join(tempDir('retrain-export-'), 'work')], io);
      await expect(run).rejects.toThrow(/in use by process .*--from-export <dir>/s);
    } finally {
      await holder.close();
    }
  });
});
