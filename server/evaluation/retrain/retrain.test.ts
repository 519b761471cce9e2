/**
 * npm run models:retrain end to end, as a process: a PGlite store of 60
 * labelled drawings (validation digits), a copy of the model pack as the
 * registry, one short epoch of real PyTorch. The new version is in the
 * manifest the app's schema accepts, onnxruntime-node runs it, its training
 * record names exactly the keys it was trained and tested on, and PyTorch saw
 * only the fine-tuning side; then once more from that export (--from-export),
 * without the store. Skipped, with a message, without PyTorch.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshStore, tempDir } from '../../../test/db/backends';
import { parseManifest } from '../../../src/core/manifest';
import { createSession, runFloat32 } from '../../../tools/onnx/runtime';
import { loadPart } from '../../../training/data/datasets';
import { keysSha256, sha256Hex } from '../../../training/retrain/version';
import { openDatabase } from '../../db/open';
import type { SplitFile } from './export';
import { fillStore, labelledDrawings } from './testing/feedback-store';
import { hasTorch, runTsx } from '../../../test/torch';

const torch = hasTorch('the retrain test');

const T0 = Date.parse('2026-12-01T00:00:00Z');
const COUNT = 60;

const runRetrain = (args: string[]) => runTsx('server/evaluation/retrain/main.ts', args);

describe('npm run models:retrain', () => {
  it.skipIf(!torch)(
    'writes a new version of digits-small into the registry given, trained without its fresh keys',
    async () => {
      const { settings } = await freshStore('pglite');
      const digits = loadPart('validation');
      const db = await openDatabase(settings);
      try {
        await fillStore(db, labelledDrawings(digits, COUNT, T0));
      } finally {
        await db.close();
      }
      const registry = join(tempDir('retrain-registry-'), 'models');
      cpSync('public/models', registry, { recursive: true });
      const work = join(tempDir('retrain-work-'), 'work');
      const base = ['--model', 'digits-small', '--data-dir', settings.dataDir, '--registry', registry, '--work', work];

      const refused = await runRetrain([...base, '--min-labels', '61']);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(/digits-small has 60 labelled predictions with a stored input, fewer than the 61/);

      const { code, output } = await runRetrain([...base, '--audit-id', '17', '--epochs', '1', '--original', '1000']);
      expect(code, output).toBe(0);
      for (const step of ['export', 'fine-tuning (PyTorch)', 'quantizing (int8 QDQ)', 'measuring', 'writing the version']) {
        expect(output).toMatch(new RegExp(`${step.replace(/[()]/g, '\\$&')}[^\\n]*: \\d+\\.\\d s`));
      }

      const manifest = parseManifest(JSON.parse(readFileSync(join(registry, 'manifest.json'), 'utf8')));
      const added = manifest.models.find((m) => m.name === 'digits-small' && m.version === '2');
      const before = parseManifest(JSON.parse(readFileSync('public/models/manifest.json', 'utf8')));
      expect(manifest.models).toHaveLength(before.models.length + 1);
      expect(added).toBeDefined();
      if (!added) return;
      expect(added.precision).toBe('int8');
      expect(added.gate).toEqual(before.models.find((m) => m.name === 'digits-small')?.gate);
      expect(added.metrics.heldout.count).toBe(2000);
      expect(added.metrics.heldout.accuracy).toBeGreaterThan(0.9);

      // What it was trained and tested on, by keys: the fresh set is the newest 30% and never the fine-tuning side.
      const split = JSON.parse(readFileSync(join(work, 'split.json'), 'utf8')) as SplitFile;
      const newest = Array.from({ length: 18 }, (_, i) => `drawing-${COUNT - 18 + i}`);
      expect(split.fresh.keys).toEqual(newest);
      expect(split.finetune.keys.filter((k) => split.fresh.keys.includes(k))).toEqual([]);
      expect(added.training).toMatchObject({
        from_version: '1',
        audit_id: '17',
        epochs: 1,
        finetune: { count: 42, keys_sha256: keysSha256(split.finetune.keys) },
        fresh: { count: 18, share: 0.3, keys_sha256: keysSha256(newest) },
        original: { digits_per_epoch: 1000 },
      });
      // PyTorch read the fine-tuning file only: as many samples as fine-tuning keys.
      const report = JSON.parse(readFileSync(join(work, 'finetune-report.json'), 'utf8')) as { feedback: number };
      expect(report.feedback).toBe(42);

      const bytes = readFileSync(join(registry, added.file));
      expect(sha256Hex(bytes)).toBe(added.sha256);
      const reference = readFileSync(join(registry, added.reference?.file ?? 'missing'));
      expect(sha256Hex(reference)).toBe(added.reference?.sha256);
      const session = await createSession(bytes);
      try {
        const logits = (await runFloat32(session, 'pixels', digits.inputs.subarray(0, 784), [1, 1, 28, 28]))['logits'];
        expect(logits).toHaveLength(11);
      } finally {
        await session.release();
      }

      // A process that holds the store exports itself and hands the folder over: version 3 from version 2, same split.
      const again = await runRetrain(['--model', 'digits-small', '--registry', registry, '--from-export', work, '--epochs', '1', '--original', '500']);
      expect(again.code, again.output).toBe(0);
      const third = parseManifest(JSON.parse(readFileSync(join(registry, 'manifest.json'), 'utf8'))).models.find(
        (m) => m.name === 'digits-small' && m.version === '3',
      );
      expect(third?.training).toMatchObject({ from_version: '2', fresh: { keys_sha256: keysSha256(newest) }, finetune: { count: 42 } });
    },
    300_000,
  );
});
