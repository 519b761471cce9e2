/**
 * Promotion and rollback through the API, with continued evaluation on (the
 * deployments and the audit log in PGlite), on a pack where digits-small and
 * digits-full each have versions 1 and 2: the admin token, the challenger
 * promoted by default and the old champion kept as the previous one, a pair
 * promoted together in one transaction (a pair with one bad change, or whose
 * audit entry fails, changes neither), the audit entries written with the
 * change, rollback to the previous champion (predictions naming no version
 * answered by it) and the coded 409s, and batch jobs naming no version run
 * on the champion.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResponse, type AuditEntry } from '../../src/core/api/audit';
import { Deployment, PromoteResponse } from '../../src/core/api/deployment';
import { ErrorBody, type ErrorCode } from '../../src/core/api/errors';
import { PredictResponse } from '../../src/core/api/predict';
import { rowPixels, writeJsonl } from '../../test/batch/inputs';
import { AUTH, jobStatus, TOKEN, waitForJob } from '../../test/batch/jobs-api';
import { drawnPixels } from '../../test/drawn-digits';
import { packWithSecondVersions } from '../../test/server/second-versions';
import { readyServer } from '../../test/server/test-server';
import type { Server } from '../app';

const SMALL = 'digits-small';
const FULL = 'digits-full';

describe('promotion and rollback', () => {
  const batchDir = mkdtempSync(join(tmpdir(), 'promotion-batch-'));
  let server: Server;
  beforeAll(async () => {
    mkdirSync(join(batchDir, 'inputs'));
    writeJsonl(
      join(batchDir, 'inputs', 'rows.jsonl'),
      Array.from({ length: 4 }, (_, i) => ({ key: `b${i}`, pixels: rowPixels(i) })),
    );
    server = await readyServer({
      MODEL_REPOSITORY: packWithSecondVersions(SMALL, FULL),
      ADMIN_TOKEN: TOKEN,
      EVALUATION: 'on',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'promotion-')),
      BATCH_DIR: batchDir,
      BATCH_WORKERS: '1',
    });
  });
  afterAll(() => server?.app.close());

  const inject = (options: InjectOptions) => server.app.inject(options);
  const put = async (model: string, payload: object) => {
    const response = await inject({ method: 'PUT', url: `/v1/models/${model}/deployment`, headers: AUTH, payload });
    expect(response.statusCode, response.body).toBe(200);
    return Deployment.parse(response.json());
  };
  const promote = (model: string, payload?: object) =>
    inject({ method: 'POST', url: `/v1/models/${model}/promote`, headers: AUTH, ...(payload && { payload }) });
  const rollback = (model: string) => inject({ method: 'POST', url: `/v1/models/${model}/rollback`, headers: AUTH });
  const deployment = async (model: string) => Deployment.parse((await inject({ url: `/v1/models/${model}/deployment` })).json());
  const answeringVersion = async (model: string) => {
    const response = await inject({ method: 'POST', url: `/v1/models/${model}:predict`, payload: { instances: [{ key: 'k', pixels: drawnPixels(7) }] } });
    expect(response.statusCode, response.body).toBe(200);
    return PredictResponse.parse(response.json()).model_version;
  };
  const audit = async (model: string): Promise<AuditEntry[]> =>
    AuditResponse.parse((await inject({ url: `/v1/monitoring/audit?model=${model}`, headers: AUTH })).json()).entries;
  const refused = async (response: Awaited<ReturnType<typeof inject>>, status: number, code: ErrorCode, message: RegExp) => {
    expect(response.statusCode, response.body).toBe(status);
    const body = ErrorBody.parse(response.json());
    expect(body.code).toBe(code);
    expect(body.error).toMatch(message);
  };

  it('asks for the admin token', async () => {
    for (const url of [`/v1/models/${SMALL}/promote`, `/v1/models/${SMALL}/rollback`]) {
      await refused(await inject({ method: 'POST', url }), 401, 'UNAUTHORIZED', /token/);
      await refused(await inject({ method: 'POST', url, headers: { authorization: 'Bearer wrong-token-0000000000' } }), 401, 'UNAUTHORIZED', /token/);
    }
    expect((await deployment(SMALL)).since).toBeNull();
  });

  it('refuses what cannot be done, with a code, changing nothing', async () => {
    await refused(
      await promote(SMALL),
      409,
      'NO_CHALLENGER',
      /^version: none given, and model "digits-small" has no challenger to promote \(its champion is "2"\)/,
    );
    await refused(await rollback(SMALL), 409, 'NOTHING_TO_ROLL_BACK', /^model "digits-small" has no previous champion to roll back to; its champion is "2"/);
    await refused(await promote(SMALL, { version: '2' }), 409, 'ALREADY_CHAMPION', /"2" is already the champion/);
    await refused(await promote(SMALL, { version: '9' }), 404, 'VERSION_NOT_FOUND', /^version: model "digits-small" serves no version "9"/);
    await refused(await promote('nope', { version: '1' }), 404, 'MODEL_NOT_FOUND', /nope/);
    await refused(await promote(SMALL, { version: '1', weight: 1 }), 400, 'INVALID_REQUEST', /weight/);
    await refused(await promote(SMALL, { version: '1', together: [{ model: SMALL }] }), 409, 'NO_CHALLENGER', /^together\[0\]\.version: /);
    await refused(await promote(SMALL, { version: '1', together: [{ model: SMALL, version: '1' }] }), 400, 'INVALID_REQUEST', /"digits-small" is named twice/);
    expect((await deployment(SMALL)).since).toBeNull();
    expect(await audit(SMALL)).toEqual([]);
  });

  it('promotes the challenger by default; the old champion stays the previous one, and a rollback returns to it', async () => {
    // A new champion makes the old one (here the default, the newest) previous; keeping the champion keeps it.
    expect(await put(SMALL, { champion: '1', mode: 'none' })).toMatchObject({ champion: '1', previous_champion: '2' });
    const before = await put(SMALL, { champion: '1', challenger: '2', mode: 'shadow' });
    expect(before).toMatchObject({ champion: '1', previous_champion: '2', challenger: '2' });
    expect(await answeringVersion(SMALL)).toBe('1');

    const response = await promote(SMALL);
    expect(response.statusCode, response.body).toBe(200);
    const { promotions } = PromoteResponse.parse(response.json());
    const [promoted] = promotions;
    expect(promotions).toHaveLength(1);
    expect(promoted).toMatchObject({ model: SMALL, champion: '2', previous_champion: '1', challenger: null, mode: 'none', challenger_share: 0 });
    expect(await deployment(SMALL)).toEqual(promoted);
    expect(await answeringVersion(SMALL)).toBe('2');
    const [promotedEntry] = await audit(SMALL);
    expect(promotedEntry).toMatchObject({
      kind: 'promoted',
      model: SMALL,
      version: '2',
      details: { previous: before, current: promoted, by: 'admin', together: [] },
    });

    const back = await rollback(SMALL);
    expect(back.statusCode, back.body).toBe(200);
    const current = Deployment.parse(back.json());
    expect(current).toMatchObject({ model: SMALL, champion: '1', previous_champion: null, challenger: null, mode: 'none' });
    // The previous champion stayed loaded: it answers at once.
    expect(await answeringVersion(SMALL)).toBe('1');
    const [rollbackEntry] = await audit(SMALL);
    expect(rollbackEntry).toMatchObject({ kind: 'rollback', model: SMALL, version: '1', details: { from: '2', to: '1', previous: promoted, current } });

    await refused(await rollback(SMALL), 409, 'NOTHING_TO_ROLL_BACK', /its champion is "1"/);
  });

  it('promotes a pair together, in one transaction: both change, each with its audit entry', async () => {
    const small = await put(SMALL, { champion: '1', challenger: '2', mode: 'shadow' });
    const full = await put(FULL, { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.5 });
    const response = await promote(SMALL, { together: [{ model: FULL }] });
    expect(response.statusCode, response.body).toBe(200);
    const { promotions } = PromoteResponse.parse(response.json());
    expect(promotions.map((p) => [p.model, p.champion, p.previous_champion, p.challenger, p.mode])).toEqual([
      [SMALL, '2', '1', null, 'none'],
      [FULL, '2', '1', null, 'none'],
    ]);
    expect([await answeringVersion(SMALL), await answeringVersion(FULL)]).toEqual(['2', '2']);
    const [smallEntry] = await audit(SMALL);
    const [fullEntry] = await audit(FULL);
    expect(smallEntry).toMatchObject({ kind: 'promoted', version: '2', details: { previous: small, current: promotions[0], by: 'admin', together: [FULL] } });
    expect(fullEntry).toMatchObject({ kind: 'promoted', version: '2', details: { previous: full, current: promotions[1], by: 'admin', together: [SMALL] } });
    // An entry's time is its transaction's: one transaction wrote both.
    expect(fullEntry?.time).toBe(smallEntry?.time);
  });

  it('changes neither model of a pair when one change is refused', async () => {
    const small = await put(SMALL, { champion: '1', challenger: '2', mode: 'shadow' });
    const full = await deployment(FULL);
    const entries = [(await audit(SMALL))[0]?.id, (await audit(FULL))[0]?.id];
    await refused(await promote(SMALL, { together: [{ model: FULL, version: '9' }] }), 404, 'VERSION_NOT_FOUND', /model "digits-full" serves no version "9"/);
    await refused(await promote(SMALL, { together: [{ model: FULL }] }), 409, 'NO_CHALLENGER', /^together\[0\]\.version: .*"digits-full"/);
    expect([await deployment(SMALL), await deployment(FULL)]).toEqual([small, full]);
    expect([(await audit(SMALL))[0]?.id, (await audit(FULL))[0]?.id]).toEqual(entries);
  });

  it('changes neither model, in the store or in memory, when an audit entry of the pair fails', async () => {
    const small = await deployment(SMALL);
    const full = await deployment(FULL);
    const log = server.context.evaluation?.audit;
    const promotion = server.context.deployments.promote(
      [
        { model: SMALL, version: '2' },
        { model: FULL, version: '1' },
      ],
      {
        alongside: async (tx, results) => {
          const [first] = results;
          if (first) await log?.record({ kind: 'promoted', model: first.model, version: first.current.champion }, tx);
          throw new Error('the second audit entry was refused');
        },
      },
    );
    await expect(promotion).rejects.toThrow(/refused/);
    expect([await deployment(SMALL), await deployment(FULL)]).toEqual([small, full]);
    const rows = await server.context.evaluation?.db.query<{ model: string; champion: string }>('SELECT model, champion FROM deployments ORDER BY model');
    expect(rows).toEqual([
      { model: FULL, champion: full.champion },
      { model: SMALL, champion: small.champion },
    ]);
    expect((await audit(SMALL))[0]?.kind).not.toBe('promoted');
  });

  it('runs a batch job naming no version on the champion, not the newest version', async () => {
    await put(SMALL, { champion: '1', challenger: '2', mode: 'shadow' });
    const create = (payload: object) => inject({ method: 'POST', url: '/v1/batch-jobs', headers: AUTH, payload });
    const unnamed = await create({ model: SMALL, input: 'inputs/rows.jsonl' });
    expect(unnamed.statusCode, unnamed.body).toBe(202);
    const named = await create({ model: SMALL, version: '2', input: 'inputs/rows.jsonl' });
    expect(named.statusCode, named.body).toBe(202);
    const done = await waitForJob(() => jobStatus(server.app, unnamed.json<{ id: string }>().id));
    expect(done).toMatchObject({ state: 'succeeded', model: SMALL, model_version: '1', successful: 4 });
    expect(await waitForJob(() => jobStatus(server.app, named.json<{ id: string }>().id))).toMatchObject({ state: 'succeeded', model_version: '2' });
  });
});
