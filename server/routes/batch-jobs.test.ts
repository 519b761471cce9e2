/**
 * The batch jobs API through inject(), on a real local pool: the admin token,
 * a job over a file under BATCH_DIR run to the end with its predictions equal
 * to a direct run of the model and its refused rows streamed back, an upload,
 * the list, cancelling, the errors a client can make (each with its code,
 * nothing left behind), a job that fails on an empty input, and a server
 * stopped mid-job whose successor resumes it: every key exactly once.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchJobList, BatchJobStatus } from '../../src/core/api/batch';
import { faultInput } from '../../test/batch/exactly-once';
import { rowPixels, scratch, writeJsonl } from '../../test/batch/inputs';
import { AUTH, createJob, jobOutput, jobStatus, multipart, TOKEN, waitForJob } from '../../test/batch/jobs-api';
import { oracleLabels } from '../../test/batch/run';
import { packModel } from '../../test/drawn-digits';
import { coldServer } from '../../test/server/test-server';
import type { Server } from '../app';

const MODEL = 'digits-small';
/** The model's outputs, one per label of its manifest entry. */
const CLASSES = packModel(MODEL).labels.length;

async function serverOn(dir: string, env: Record<string, string> = {}): Promise<Server> {
  const server = await coldServer({ ADMIN_TOKEN: TOKEN, BATCH_DIR: dir, BATCH_WORKERS: '2', ...env });
  await server.app.ready();
  return server;
}

describe('batch jobs API', () => {
  let dir: string;
  let server: Server;
  beforeAll(async () => {
    dir = scratch('batch-api-');
    mkdirSync(join(dir, 'inputs'));
    writeJsonl(join(dir, 'inputs', 'rows.jsonl'), [
      ...Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, pixels: rowPixels(i) })),
      { key: 'short', pixels: [1, 2, 3] },
      'not json',
      { key: 'k3', pixels: rowPixels(3) },
    ]);
    writeFileSync(join(dir, 'inputs', 'empty.jsonl'), '');
    writeFileSync(join(dir, 'inputs', 'rows.txt'), 'x');
    writeFileSync(join(scratch('outside-'), 'x.jsonl'), '{}\n');
    server = await serverOn(dir);
  });
  afterAll(async () => server.app.close());

  it('asks for the admin token on every route, and is off without ADMIN_TOKEN', async () => {
    const { app } = server;
    for (const [method, url] of [
      ['POST', '/v1/batch-jobs'],
      ['GET', '/v1/batch-jobs'],
      ['GET', '/v1/batch-jobs/x'],
      ['GET', '/v1/batch-jobs/x/predictions'],
      ['DELETE', '/v1/batch-jobs/x'],
    ] as const) {
      const response = await app.inject({ method, url, headers: { authorization: 'Bearer wrong-token-000000000' } });
      expect(response.statusCode, url).toBe(401);
      expect(response.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const off = await coldServer({ BATCH_DIR: dir });
    const response = await off.app.inject({ url: '/v1/batch-jobs' });
    expect(response.json()).toMatchObject({ code: 'ADMIN_DISABLED' });
    await off.app.close();
  });

  it('runs a job over a file under BATCH_DIR: predictions as the model gives them, refused rows with their lines and codes', async () => {
    const { app } = server;
    const id = await createJob(app, { model: MODEL, input: 'inputs/rows.jsonl', chunk_rows: 16 });
    const done = await waitForJob(() => jobStatus(app, id));
    expect(BatchJobStatus.parse(done)).toMatchObject({
      id,
      state: 'succeeded',
      model: MODEL,
      model_version: '1',
      signature: 'serving_default',
      input: 'inputs/rows.jsonl',
      log: false,
      total: 63,
      successful: 60,
      failed: 3,
    });
    expect(Date.parse(done.started ?? '')).toBeGreaterThanOrEqual(Date.parse(done.created));
    expect(Date.parse(done.finished ?? '')).toBeGreaterThanOrEqual(Date.parse(done.started ?? ''));

    const predictions = await jobOutput(app, id, 'predictions');
    expect(predictions.map((p) => p.key)).toEqual(Array.from({ length: 60 }, (_, i) => `k${i}`));
    const expected = await oracleLabels(
      MODEL,
      Array.from({ length: 60 }, (_, i) => rowPixels(i)),
    );
    expect(predictions.map((p) => p.label)).toEqual(expected);
    expect(predictions[0]).toMatchObject({ model: MODEL, model_version: '1' });
    const errors = await jobOutput(app, id, 'errors');
    expect(errors.map((e) => [e.line, e.key, e.error?.code])).toEqual([
      [61, 'short', 'INVALID_REQUEST'],
      [62, undefined, 'INVALID_JSON'],
      [63, 'k3', 'INVALID_REQUEST'],
    ]);
    expect(errors[2]?.error?.message).toContain('line 4');
  });

  it('runs a job over an uploaded file, with its options as form fields', async () => {
    const { app } = server;
    const text = Array.from({ length: 20 }, (_, i) => `${JSON.stringify({ id: `u${i}`, pixels: rowPixels(i) })}`).join('\n');
    const { body, type } = await multipart({ model: MODEL, signature: 'logits', key_field: 'id', chunk_rows: '7' }, { name: 'upload.jsonl', text });
    const response = await app.inject({ method: 'POST', url: '/v1/batch-jobs', headers: { ...AUTH, 'content-type': type }, payload: body });
    expect(response.statusCode, response.body).toBe(202);
    const { id } = response.json<{ id: string }>();
    expect(await waitForJob(() => jobStatus(app, id))).toMatchObject({ state: 'succeeded', input: 'upload.jsonl', signature: 'logits', successful: 20 });
    const predictions = await jobOutput(app, id, 'predictions');
    expect(predictions.map((p) => p.key)).toEqual(Array.from({ length: 20 }, (_, i) => `u${i}`));
    expect(predictions.every((p) => p.logits?.length === CLASSES && p.probabilities === undefined)).toBe(true);
  });

  it('refuses what a client gets wrong, with a code naming it, and keeps nothing of it', async () => {
    const { app } = server;
    const before = readdirSync(join(dir, 'jobs')).length;
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ model: 'nope', input: 'inputs/rows.jsonl' }, 404, 'MODEL_NOT_FOUND', 'nope'],
      [{ model: MODEL, version: '9', input: 'inputs/rows.jsonl' }, 404, 'VERSION_NOT_FOUND', '"9"'],
      [{ model: MODEL, input: '../x.jsonl' }, 400, 'INVALID_REQUEST', 'not a file under BATCH_DIR'],
      [{ model: MODEL, input: 'inputs/missing.jsonl' }, 400, 'INVALID_REQUEST', 'not a file under BATCH_DIR'],
      [{ model: MODEL, input: 'inputs' }, 400, 'INVALID_REQUEST', 'not a file'],
      [{ model: MODEL, input: 'inputs/rows.txt' }, 400, 'INVALID_REQUEST', '.jsonl'],
      [{ model: MODEL, input: 'inputs/rows.jsonl', signature: 'explain' }, 400, 'INVALID_REQUEST', 'signature'],
      [{ model: MODEL, input: 'inputs/rows.jsonl', chunk_rows: 0 }, 400, 'INVALID_REQUEST', 'chunk_rows'],
      [{ model: MODEL, input: 'inputs/rows.jsonl', colour: 'red' }, 400, 'INVALID_REQUEST', 'colour'],
      [{ model: MODEL, input: 'inputs/rows.jsonl', log: true }, 503, 'EVALUATION_DISABLED', 'EVALUATION=off'],
      [{ input: 'inputs/rows.jsonl' }, 400, 'INVALID_REQUEST', 'model'],
    ];
    for (const [payload, status, code, words] of cases) {
      const response = await app.inject({ method: 'POST', url: '/v1/batch-jobs', headers: AUTH, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json<{ code: string }>().code).toBe(code);
      expect(response.json<{ error: string }>().error).toContain(words);
    }
    const upload = async (fields: Record<string, string>, file?: { name: string; text: string }) => {
      const { body, type } = await multipart(fields, file);
      return app.inject({ method: 'POST', url: '/v1/batch-jobs', headers: { ...AUTH, 'content-type': type }, payload: body });
    };
    const noFile = await upload({ model: MODEL });
    expect([noFile.statusCode, noFile.json<{ code: string }>().code]).toEqual([400, 'INVALID_REQUEST']);
    const badName = await upload({ model: MODEL }, { name: 'rows.png', text: '{}' });
    expect(badName.json<{ error: string }>().error).toContain('.jsonl');
    const badField = await upload({ model: MODEL, chunk_rows: 'many' }, { name: 'rows.jsonl', text: '{}' });
    expect(badField.json<{ error: string }>().error).toContain('chunk_rows');
    const unknownModel = await upload({ model: 'nope' }, { name: 'rows.jsonl', text: '{}' });
    expect(unknownModel.statusCode).toBe(404);
    expect(readdirSync(join(dir, 'jobs'))).toHaveLength(before);

    for (const [method, url] of [
      ['GET', '/v1/batch-jobs/no-such-job'],
      ['GET', '/v1/batch-jobs/no-such-job/errors'],
      ['DELETE', '/v1/batch-jobs/no-such-job'],
    ] as const) {
      const response = await app.inject({ method, url, headers: AUTH });
      expect([response.statusCode, response.json<{ code: string }>().code]).toEqual([404, 'JOB_NOT_FOUND']);
    }
  });

  it('refuses an upload larger than BATCH_UPLOAD_LIMIT_BYTES with 413, keeping nothing', async () => {
    const small = scratch('batch-api-limit-');
    const limited = await serverOn(small, { BATCH_UPLOAD_LIMIT_BYTES: '1000' });
    const text = Array.from({ length: 5 }, (_, i) => JSON.stringify({ key: `k${i}`, pixels: rowPixels(i) })).join('\n');
    const { body, type } = await multipart({ model: MODEL }, { name: 'big.jsonl', text });
    const response = await limited.app.inject({ method: 'POST', url: '/v1/batch-jobs', headers: { ...AUTH, 'content-type': type }, payload: body });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(response.json<{ error: string }>().error).toContain('BATCH_UPLOAD_LIMIT_BYTES');
    expect(readdirSync(join(small, 'jobs'))).toEqual([]);
    await limited.app.close();
  });

  it('fails a job whose input is empty, saying so', async () => {
    const { app } = server;
    const id = await createJob(app, { model: MODEL, input: 'inputs/empty.jsonl' });
    const done = await waitForJob(() => jobStatus(app, id));
    expect(done.state).toBe('failed');
    expect(done.message).toMatch(/no rows|empty/);
  });

  it('cancels a queued or running job, and refuses to cancel it twice; the list shows every job, newest first', async () => {
    const { app } = server;
    const running = await createJob(app, { model: MODEL, input: 'inputs/rows.jsonl', chunk_rows: 1 });
    const queued = await createJob(app, { model: MODEL, input: 'inputs/rows.jsonl', chunk_rows: 1 });
    await waitForJob(() => jobStatus(app, running), ['running']);
    for (const id of [queued, running]) {
      const response = await app.inject({ method: 'DELETE', url: `/v1/batch-jobs/${id}`, headers: AUTH });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id, state: 'cancelled', message: 'cancelled by a client' });
    }
    const again = await app.inject({ method: 'DELETE', url: `/v1/batch-jobs/${running}`, headers: AUTH });
    expect([again.statusCode, again.json<{ code: string }>().code]).toEqual([409, 'JOB_FINISHED']);
    // Still cancelled once the pool has wound down, with fewer rows than the input.
    await new Promise((r) => setTimeout(r, 500));
    const after = await jobStatus(app, running);
    expect(after.state).toBe('cancelled');
    expect(after.successful + after.failed).toBeLessThan(63);
    expect((await jobStatus(app, queued)).started).toBeNull();

    const list = BatchJobList.parse((await app.inject({ url: '/v1/batch-jobs', headers: AUTH })).json());
    expect(list.jobs.slice(0, 2).map((j) => j.id)).toEqual([queued, running]);
    expect(list.jobs.length).toBeGreaterThanOrEqual(4);
  });
});

describe('batch jobs with "log": true', () => {
  it("writes the job's predictions to the server's prediction log, with source batch and the job's id", async () => {
    const dir = scratch('batch-api-log-');
    writeJsonl(
      join(dir, 'rows.jsonl'),
      Array.from({ length: 30 }, (_, i) => ({ key: `l${i}`, pixels: rowPixels(i) })),
    );
    const server = await serverOn(dir, { EVALUATION: 'on', DATA_DIR: join(dir, 'store') });
    try {
      const id = await createJob(server.app, { model: MODEL, input: 'rows.jsonl', chunk_rows: 8, log: true });
      expect(await waitForJob(() => jobStatus(server.app, id))).toMatchObject({ state: 'succeeded', log: true, successful: 30 });
      const labels = new Map((await jobOutput(server.app, id, 'predictions')).map((p) => [p.key, p.label]));
      const rows = await server.context.evaluation?.db.query<{ key: string; label: string; source: string; request_id: string }>(
        'SELECT key, label, source, request_id FROM predictions ORDER BY key',
      );
      expect(rows).toHaveLength(30);
      for (const row of rows ?? []) expect(row).toEqual({ key: row.key, label: labels.get(row.key), source: 'batch', request_id: id });
    } finally {
      await server.app.close();
    }
  });
});

describe('batch jobs across a server restart', () => {
  it('resumes a job the stopped server left running, and runs the one it left queued: every key exactly once', async () => {
    const dir = scratch('batch-api-restart-');
    mkdirSync(join(dir, 'in'));
    faultInput(join(dir, 'in'), 600);
    const first = await serverOn(dir, { BATCH_WORKERS: '1' });
    const running = await createJob(first.app, { model: MODEL, input: 'in/in.jsonl', chunk_rows: 20 });
    const queued = await createJob(first.app, { model: MODEL, input: 'in/in.jsonl', chunk_rows: 100 });
    // Stopped once some chunks are committed and others are not.
    const output = join(dir, 'jobs', running, 'output');
    const until = Date.now() + 60_000;
    while (!existsSync(join(output, 'predictions-00002.jsonl')) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    // Progress while it runs: the rows of the committed chunks at least, not all of them.
    const midway = await jobStatus(first.app, running);
    expect(midway).toMatchObject({ state: 'running', total: 600, finished: null });
    expect(midway.successful + midway.failed).toBeGreaterThanOrEqual(60);
    expect(midway.successful + midway.failed).toBeLessThan(600);
    expect((await jobStatus(first.app, queued)).state).toBe('queued');
    await first.app.close();
    expect(readdirSync(output).filter((n) => n.startsWith('predictions-')).length).toBeLessThan(30);

    const second = await serverOn(dir);
    for (const id of [running, queued]) {
      const done = await waitForJob(() => jobStatus(second.app, id));
      expect(done).toMatchObject({ state: 'succeeded', total: 600, successful: 600 - 7, failed: 7 });
      const rows = [...(await jobOutput(second.app, id, 'predictions')), ...(await jobOutput(second.app, id, 'errors'))];
      expect(new Set(rows.map((r) => r.key)).size).toBe(600);
      expect(rows).toHaveLength(600);
    }
    await second.app.close();
  });
});
