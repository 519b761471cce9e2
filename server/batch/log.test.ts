/**
 * `batch predict --log` into a fresh store on both backends: every successful
 * key is in the prediction log once, with source batch, the job's model and
 * version and the labels of its files; a rerun adds no row twice; and a store
 * another holder has locked fails the command before any work.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatabaseSettings } from '../db/database';
import { openDatabase } from '../db/open';
import { outputRows, rowPixels, scratch, writeJsonl } from '../../test/batch/inputs';
import { startRedis } from '../../test/batch/redis';
import { batch } from '../../test/batch/run';
import { BACKENDS, freshStore } from '../../test/db/backends';

const MODEL = 'digits-small';

const envOf = (settings: DatabaseSettings): Record<string, string> =>
  settings.databaseUrl !== undefined ? { DATABASE_URL: settings.databaseUrl } : { DATA_DIR: settings.dataDir };

/** 130 rows, two of them bad (errors, not logged). */
function input(dir: string): string {
  return writeJsonl(join(dir, 'in.jsonl'), [
    ...Array.from({ length: 128 }, (_, i) => ({ key: `k${i}`, pixels: rowPixels(i) })),
    { key: 'bad1', pixels: [1, 2] },
    'not json',
  ]);
}

interface Logged {
  key: string;
  model: string;
  version: string;
  source: string;
  signature: string;
  label: string;
  probabilities: number[];
  request_id: string | null;
}

async function logged(settings: DatabaseSettings): Promise<Logged[]> {
  const db = await openDatabase(settings);
  try {
    return await db.query<Logged>('SELECT key, model, version, source, signature, label, probabilities, request_id FROM predictions ORDER BY key');
  } finally {
    await db.close();
  }
}

for (const kind of BACKENDS) {
  describe(`batch predict --log (${kind})`, () => {
    it('logs every successful key once with source batch, and a rerun adds nothing', async () => {
      const { settings } = await freshStore(kind);
      const dir = scratch();
      const out = join(dir, 'out');
      const args = ['predict', '--model', MODEL, '--input', input(dir), '--output', out, '--workers', '2', '--chunk-rows', '40', '--log'];
      const run = await batch(args, envOf(settings));
      expect(run.code, run.err).toBe(0);
      const predictions = outputRows(out, 'predictions');
      expect(predictions).toHaveLength(128);
      expect(outputRows(out, 'errors')).toHaveLength(2);

      const rows = await logged(settings);
      expect(rows.map((r) => r.key).sort()).toEqual(predictions.map((p) => p.key as string).sort());
      const labelOf = new Map(predictions.map((p) => [p.key, p.label]));
      for (const row of rows) {
        expect(row).toMatchObject({ model: MODEL, version: '1', source: 'batch', signature: 'serving_default', request_id: 'out' });
        expect(row.label).toBe(labelOf.get(row.key));
      }
      const first = predictions.find((p) => p.key === 'k0');
      expect(rows.find((r) => r.key === 'k0')?.probabilities[0]).toBeCloseTo(first?.probabilities?.[0] ?? NaN, 5);

      const again = await batch(args, envOf(settings));
      expect(again.code, again.err).toBe(0);
      expect(await logged(settings)).toHaveLength(128);
    });

    it('logs the complete chunks of a job run without --log when it is rerun with it', async () => {
      const { settings } = await freshStore(kind);
      const dir = scratch();
      const args = ['predict', '--model', MODEL, '--input', input(dir), '--output', join(dir, 'out'), '--workers', '2', '--chunk-rows', '50'];
      expect((await batch(args, envOf(settings))).code).toBe(0);
      expect(await logged(settings)).toHaveLength(0);
      const rerun = await batch([...args, '--log'], envOf(settings));
      expect(rerun.code, rerun.err).toBe(0);
      expect((await logged(settings)).every((r) => r.source === 'batch')).toBe(true);
      expect(await logged(settings)).toHaveLength(128);
    });

    it('logs logits as probabilities, under the logits signature', async () => {
      const { settings } = await freshStore(kind);
      const dir = scratch();
      const out = join(dir, 'logits');
      const run = await batch(
        ['predict', '--model', MODEL, '--input', input(dir), '--output', out, '--workers', '1', '--signature', 'logits', '--log'],
        envOf(settings),
      );
      expect(run.code, run.err).toBe(0);
      const rows = await logged(settings);
      expect(rows).toHaveLength(128);
      const labelOf = new Map(outputRows(out, 'predictions').map((p) => [p.key, p.label]));
      for (const row of rows) {
        expect(row.signature).toBe('logits');
        expect(row.label).toBe(labelOf.get(row.key));
        expect(row.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
    });
  });
}

describe('batch predict --queue --log', () => {
  it('logs the chunks queued workers did, from the coordinator', async () => {
    const redis = await startRedis();
    const stopWorker = new AbortController();
    const worker = batch(['worker', '--queue', redis.url], {}, stopWorker.signal);
    try {
      const { settings } = await freshStore('pglite');
      const dir = scratch();
      const args = ['predict', '--model', MODEL, '--input', input(dir), '--output', join(dir, 'out'), '--queue', redis.url, '--chunk-rows', '40', '--log'];
      const run = await batch(args, envOf(settings));
      expect(run.code, run.err).toBe(0);
      const rows = await logged(settings);
      expect(rows.map((r) => r.key).sort()).toEqual(
        outputRows(join(dir, 'out'), 'predictions')
          .map((p) => p.key as string)
          .sort(),
      );
      expect(rows.every((r) => r.source === 'batch')).toBe(true);
    } finally {
      stopWorker.abort();
      await worker;
      await redis.stop();
    }
  });
});

describe('batch predict --log on a store in use', () => {
  it('fails at start with a clear message, before any work', async () => {
    const { settings } = await freshStore('pglite');
    const holder = await openDatabase(settings);
    try {
      const dir = scratch();
      const out = join(dir, 'out');
      const run = await batch(['predict', '--model', MODEL, '--input', input(dir), '--output', out, '--log'], envOf(settings));
      expect(run.code).toBe(1);
      expect(run.err).toContain('--log: cannot open the evaluation store');
      expect(run.err).toContain(`the store in ${settings.dataDir} is in use by process ${process.pid}`);
      expect(existsSync(out)).toBe(false);
    } finally {
      await holder.close();
    }
  });
});
