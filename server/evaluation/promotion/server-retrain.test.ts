/**
 * A retraining through the server with the real default command (npm run
 * models:retrain, real PyTorch, one short epoch): the run reaches a decision
 * with every step done, the version it wrote names the run's audit id and
 * the champion it started from, its fresh set is the newest 30% of the
 * labels, and the gate scored that set and the whole held-out split.
 * Skipped, with a message, without PyTorch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditResponse } from '../../../src/core/api/audit';
import { RetrainRun, RetrainRuns } from '../../../src/core/api/retrain';
import { parseManifest } from '../../../src/core/manifest';
import { freshStore, tempDir } from '../../../test/db/backends';
import { readyServer, registryCopy } from '../../../test/server/test-server';
import { loadPart } from '../../../training/data/datasets';
import { keysSha256 } from '../../../training/retrain/version';
import { hasTorch } from '../../../test/torch';
import { fillStore, labelledDrawings } from '../retrain/testing/feedback-store';

const torch = hasTorch('the server retraining test');

const TOKEN = 'server-retrain-token-0123456';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const T0 = Date.parse('2026-12-02T00:00:00Z');
const COUNT = 60;

describe('a retraining through the server with the default command', () => {
  it.skipIf(!torch)(
    'exports, trains for real, loads, judges and decides, linking the version to its run',
    async () => {
      const registry = registryCopy();
      const { settings } = await freshStore('pglite');
      const server = await readyServer({
        EVALUATION: 'on',
        DATA_DIR: settings.dataDir,
        MODEL_REPOSITORY: registry,
        ADMIN_TOKEN: TOKEN,
        BATCH_DIR: tempDir('server-retrain-batch-'),
        BATCH_WORKERS: '1',
        RETRAIN_DIR: tempDir('server-retrain-runs-'),
        // The default command, with a short training.
        RETRAIN_COMMAND: 'npm run --silent models:retrain -- --epochs 1 --original 500',
      });
      try {
        const digits = loadPart('validation');
        const evaluation = server.context.evaluation;
        if (!evaluation) throw new Error('evaluation is off');
        await fillStore(evaluation.db, labelledDrawings(digits, COUNT, T0));
        const started = await server.app.inject({ method: 'POST', url: '/v1/models/digits-small/retrain', headers: AUTH });
        expect(started.statusCode).toBe(202);
        const { id } = RetrainRun.parse(started.json());
        await server.context.retrains?.idle();
        const run = RetrainRuns.parse((await server.app.inject({ url: '/v1/models/digits-small/retrain', headers: AUTH })).json()).runs[0];
        expect(run?.id).toBe(id);
        expect(run?.steps.map((s) => [s.step, s.ok])).toEqual(['export', 'train', 'load', 'shadow', 'gate', 'decision'].map((s) => [s, true]));
        expect(['promoted', 'rejected']).toContain(run?.state);
        expect(run?.version).toBe('2');
        expect(run?.decision).toMatchObject({ fresh: { count: 18 }, heldout: { count: 2000 } });

        const added = parseManifest(JSON.parse(readFileSync(join(registry, 'manifest.json'), 'utf8'))).models.find(
          (m) => m.name === 'digits-small' && m.version === '2',
        );
        const newest = Array.from({ length: 18 }, (_, i) => `drawing-${COUNT - 18 + i}`);
        expect(added?.training).toMatchObject({ from_version: '1', audit_id: id, epochs: 1, fresh: { count: 18, keys_sha256: keysSha256(newest) } });
        const audit = AuditResponse.parse((await server.app.inject({ url: '/v1/monitoring/audit?model=digits-small', headers: AUTH })).json());
        const kinds = audit.entries.map((e) => e.kind).reverse();
        expect(kinds).toEqual(['retrain_started', 'retrain_finished', 'deployment_changed', 'deployment_changed', 'evaluation', run?.state]);
      } finally {
        await server.app.close();
      }
    },
    300_000,
  );
});
