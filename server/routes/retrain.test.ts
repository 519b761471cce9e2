/**
 * Retraining through the server, with real models, a real store (PGlite)
 * and the real batch engine; the command is a test one that installs a
 * chosen real model as the next version (the real training command has its
 * own test, server/evaluation/retrain/retrain.test.ts). A challenger that is
 * better on the fresh set is promoted and one that is worse stays in shadow,
 * each with every audit entry; the gate scores exactly the fresh keys; a
 * failing command leaves the registry folder, the versions served and the
 * deployment as they were, and is audited, and so does a version that
 * cannot be loaded; one run at a time per model, on every server sharing
 * the store; a rollback returns to the champion the promotion replaced.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditResponse, type AuditKind } from '../../src/core/api/audit';
import { Deployment } from '../../src/core/api/deployment';
import { ErrorBody } from '../../src/core/api/errors';
import { RetrainRun, RetrainRuns } from '../../src/core/api/retrain';
import { dequantizeInput, quantizeInput } from '../../src/core/preprocess/input-bytes';
import { freshStore, tempDir } from '../../test/db/backends';
import { readyServer, registryCopy } from '../../test/server/test-server';
import { runRows } from '../../tools/onnx/evaluate';
import { loadPart } from '../../training/data/datasets';
import type { Server } from '../app';
import { RetrainLeases } from '../evaluation/promotion/retrain-lease';
import { fillStore } from '../evaluation/retrain/testing/feedback-store';

const TOKEN = 'retrain-admin-token-0123456';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const PIXELS = 784;
const T0 = Date.parse('2026-12-01T00:00:00Z');
const INSTALL = 'node --import tsx server/evaluation/promotion/testing/install-version.ts';
/** Held-out rows the test command leaves for the gate: enough to measure, few enough to be quick. */
const HELDOUT_ROWS = 400;

let server: Server;
let registry: string;
const modelFile = (name: string) => join(registry, name, '1', 'model.onnx');
/** What RETRAIN_COMMAND runs (read from the environment each time a run starts). */
const useCommand = (command: string) => (process.env['TEST_RETRAIN'] = command);

const post = (url: string) => server.app.inject({ method: 'POST', url, headers: AUTH });
const retrain = (model: string) => post(`/v1/models/${model}/retrain`);
const runs = async (model: string) => RetrainRuns.parse((await server.app.inject({ url: `/v1/models/${model}/retrain`, headers: AUTH })).json());
const deployment = async (model: string) => Deployment.parse((await server.app.inject({ url: `/v1/models/${model}/deployment` })).json());
async function auditKinds(model: string, since: string): Promise<{ kind: AuditKind; version: string | null; details: Record<string, unknown> }[]> {
  const body = AuditResponse.parse((await server.app.inject({ url: `/v1/monitoring/audit?model=${model}&since=${since}`, headers: AUTH })).json());
  return body.entries.reverse();
}

/** Starts a run and waits for it to end; returns it as listed. */
async function retrainAndWait(model: string): Promise<z.infer<typeof RetrainRun>> {
  const started = await retrain(model);
  expect(started.statusCode).toBe(202);
  const run = RetrainRun.parse(started.json());
  expect(run.state).toBe('running');
  await server.context.retrains?.idle();
  const done = (await runs(model)).runs.find((r) => r.id === run.id);
  if (!done) throw new Error(`run ${run.id} is not listed`);
  return done;
}

/** Inputs as the log keeps them (one byte per value), so the test judges what the gate will see. */
function logged(inputs: Float32Array, index: number): Float32Array {
  return dequantizeInput(quantizeInput(inputs.subarray(index * PIXELS, (index + 1) * PIXELS)));
}

let freshKeys: string[] = [];

beforeAll(async () => {
  registry = registryCopy();
  const { settings } = await freshStore('pglite');
  useCommand('exit 1');
  server = await readyServer({
    EVALUATION: 'on',
    DATA_DIR: settings.dataDir,
    MODEL_REPOSITORY: registry,
    ADMIN_TOKEN: TOKEN,
    BATCH_DIR: tempDir('retrain-batch-'),
    BATCH_WORKERS: '1',
    RETRAIN_DIR: tempDir('retrain-runs-'),
    RETRAIN_COMMAND: 'eval "$TEST_RETRAIN"',
    RETRAIN_MIN_LABELS: '20',
  });

  // Validation digits as both models read them once logged: the easy ones both get right, and the
  // hard ones only the full model gets right.
  const digits = loadPart('validation');
  const count = digits.labels.length;
  const data = new Float32Array(count * PIXELS);
  for (let i = 0; i < count; i++) data.set(logged(digits.inputs, i), i * PIXELS);
  const samples = { shape: [count, 1, 28, 28], data };
  const argmax = (row: Float32Array) => row.indexOf(Math.max(...row));
  const small = (await runRows(modelFile('digits-small'), samples)).map(argmax);
  const full = (await runRows(modelFile('digits-full'), samples)).map(argmax);
  const easy = digits.labels.flatMap((label, i) => (small[i] === label && full[i] === label ? [i] : []));
  const hard = digits.labels.flatMap((label, i) => (small[i] !== label && full[i] === label ? [i] : []));
  expect(hard.length).toBeGreaterThanOrEqual(8);

  // digits-small: 35 older labels, then the newest 15 (the fresh 30%): 8 hard cases and 7 easy ones.
  const feedback = (model: string, indices: readonly number[], prefix: string) =>
    indices.map((index, i) => ({
      key: `${prefix}-${i}`,
      model,
      version: '1',
      source: 'edge' as const,
      time: T0 + i * 1000,
      input: digits.inputs.subarray(index * PIXELS, (index + 1) * PIXELS),
      label: { label: String(digits.labels[index]), time: T0 + i * 60_000 },
    }));
  const smallRows = feedback('digits-small', [...easy.slice(0, 35), ...hard.slice(0, 8), ...easy.slice(35, 42)], 'small');
  freshKeys = smallRows.slice(35).map((r) => r.key);
  // digits-full: 60 easy and typical digits.
  const fullRows = feedback('digits-full', easy.slice(100, 160), 'full');
  const evaluation = server.context.evaluation;
  if (!evaluation) throw new Error('evaluation is off');
  await fillStore(evaluation.db, [...smallRows, ...fullRows]);
}, 120_000);

afterAll(async () => {
  await server?.app.close();
  delete process.env['TEST_RETRAIN'];
});

describe('POST /v1/models/{m}/retrain', () => {
  it('needs the admin token and a served model', async () => {
    expect((await server.app.inject({ method: 'POST', url: '/v1/models/digits-small/retrain' })).statusCode).toBe(401);
    const unknown = await retrain('nope');
    expect(unknown.statusCode).toBe(404);
    expect(ErrorBody.parse(unknown.json()).code).toBe('MODEL_NOT_FOUND');
  });

  it('a failing command leaves the registry folder, the versions served and the deployment as they were, and is audited', async () => {
    const since = new Date().toISOString();
    const manifest = readFileSync(join(registry, 'manifest.json'), 'utf8');
    const before = await deployment('digits-small');
    // It breaks what it can first: a version folder and the manifest.
    useCommand(`mkdir -p "$MODEL_REPOSITORY/digits-small/7" && echo '{"broken":' > "$MODEL_REPOSITORY/manifest.json" && echo 'no GPU here' >&2 && exit 3`);
    const run = await retrainAndWait('digits-small');
    expect(run.state).toBe('failed');
    expect(run.message).toMatch(/train: the command exited with 3/);
    expect(run.steps.map((s) => [s.step, s.ok])).toEqual([
      ['export', true],
      ['train', false],
    ]);
    expect(readFileSync(join(registry, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(() => readFileSync(join(registry, 'digits-small/7'))).toThrow();
    expect(server.context.registry.versions('digits-small')).toEqual(['1']);
    expect(await deployment('digits-small')).toEqual(before);
    const entries = await auditKinds('digits-small', since);
    expect(entries.map((e) => e.kind)).toEqual(['retrain_started', 'retrain_finished']);
    expect(entries[1]?.details).toMatchObject({ ok: false, exit_code: 3, output_tail: 'no GPU here', restored: ['manifest.json', 'digits-small/7'] });
  }, 60_000);

  it('runs one retraining at a time per model', async () => {
    useCommand('sleep 2; exit 1');
    const first = await retrain('digits-full');
    expect(first.statusCode).toBe(202);
    const second = await retrain('digits-full');
    expect(second.statusCode).toBe(409);
    expect(ErrorBody.parse(second.json())).toMatchObject({ code: 'RETRAIN_RUNNING', error: expect.stringMatching(/digits-full/) as unknown });
    await server.context.retrains?.idle();
    expect((await runs('digits-full')).runs[0]?.state).toBe('failed');

    // A run held by another server sharing the store: its lease refuses this one too.
    const evaluation = server.context.evaluation;
    if (!evaluation) throw new Error('evaluation is off');
    const elsewhere = await new RetrainLeases(evaluation.db).acquire('digits-full');
    const refused = await retrain('digits-full');
    expect(refused.statusCode).toBe(409);
    expect(ErrorBody.parse(refused.json()).error).toMatch(/another server sharing the store/);
    await elsewhere?.release();
  }, 60_000);

  it('keeps a worse challenger in shadow, with the gate figures in the audit log', async () => {
    const since = new Date().toISOString();
    // The small int8 model as the next digits-full: worse on the fresh set.
    useCommand(`${INSTALL} "${modelFile('digits-small')}" ${HELDOUT_ROWS}`);
    const run = await retrainAndWait('digits-full');
    expect({ state: run.state, message: run.message }).toEqual({ state: 'rejected', message: undefined });
    expect(run.version).toBe('2');
    expect(run.steps.map((s) => s.step)).toEqual(['export', 'train', 'load', 'shadow', 'gate', 'decision']);
    expect(run.decision?.promote).toBe(false);
    expect(run.decision?.fresh.count).toBe(18);
    expect(run.decision?.heldout.count).toBe(HELDOUT_ROWS);
    expect(await deployment('digits-full')).toMatchObject({ champion: '1', challenger: '2', mode: 'shadow' });
    const entries = await auditKinds('digits-full', since);
    // The first deployment_changed pins the champion (none was set: the newest version would have become it).
    expect(entries.map((e) => e.kind)).toEqual(['retrain_started', 'retrain_finished', 'deployment_changed', 'deployment_changed', 'evaluation', 'rejected']);
    expect(entries[2]?.details).toMatchObject({ current: { champion: '1', challenger: null, mode: 'none' } });
    expect(entries[4]?.details).toMatchObject({ champion: '1', challenger: '2', promote: false, settings: { margin: 0.01 } });
  }, 120_000);

  it('takes a version that cannot be loaded back out of the registry folder, and says so', async () => {
    const since = new Date().toISOString();
    const manifest = readFileSync(join(registry, 'manifest.json'), 'utf8');
    const before = await deployment('digits-full');
    // Bytes the manifest vouches for (their hash is right) that are not a model.
    useCommand(`${INSTALL} "${join(registry, 'manifest.json')}" ${HELDOUT_ROWS}`);
    const run = await retrainAndWait('digits-full');
    expect(run.state).toBe('failed');
    expect(run.steps.map((s) => [s.step, s.ok])).toEqual([
      ['export', true],
      ['train', true],
      ['load', false],
    ]);
    expect(readFileSync(join(registry, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(existsSync(join(registry, 'digits-full', '3'))).toBe(false);
    expect(server.context.registry.versions('digits-full')).toEqual(['1', '2']);
    expect(await deployment('digits-full')).toEqual(before);
    const entries = await auditKinds('digits-full', since);
    expect(entries.map((e) => [e.kind, e.version])).toEqual([
      ['retrain_started', null],
      ['retrain_finished', '3'],
      ['rejected', '3'],
    ]);
    expect(entries[2]?.details).toMatchObject({ step: 'load', restored: ['manifest.json: digits-full version 3', 'digits-full/3'] });
  }, 120_000);

  it('promotes a better challenger, judged on the fresh keys only; a rollback returns to the champion it replaced', async () => {
    const since = new Date().toISOString();
    // The full model as the next digits-small: right on the hard cases.
    useCommand(`${INSTALL} "${modelFile('digits-full')}" ${HELDOUT_ROWS}`);
    const run = await retrainAndWait('digits-small');
    expect({ state: run.state, message: run.message }).toEqual({ state: 'promoted', message: undefined });
    expect(run.decision).toMatchObject({ promote: true, fresh: { count: 15, b: 0, c: 8, champion_accuracy: 7 / 15, challenger_accuracy: 1 } });
    expect(run.decision?.fresh.p_value).toBeCloseTo(2 / 256, 10);
    const entries = await auditKinds('digits-small', since);
    expect(entries.map((e) => e.kind)).toEqual(['retrain_started', 'retrain_finished', 'deployment_changed', 'deployment_changed', 'evaluation', 'promoted']);
    const evaluation = entries[4]?.details as { jobs: { champion: string; challenger: string } };
    // The gate's champion job scored exactly the fresh keys, then the held-out rows.
    const scored = (await server.app.inject({ url: `/v1/batch-jobs/${evaluation.jobs.champion}/predictions`, headers: AUTH })).body
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { key: string }).key);
    expect(scored.slice(0, 15)).toEqual(freshKeys);
    expect(scored.slice(15).every((key) => key.startsWith(`gate-${run.id}-heldout-`))).toBe(true);
    expect(await deployment('digits-small')).toMatchObject({ champion: '2', challenger: null, mode: 'none', previous_champion: '1' });

    const rolledBack = await post('/v1/models/digits-small/rollback');
    expect(rolledBack.statusCode).toBe(200);
    expect(Deployment.parse(rolledBack.json())).toMatchObject({ champion: '1' });
    expect((await auditKinds('digits-small', since)).at(-1)?.kind).toBe('rollback');
  }, 120_000);
});
