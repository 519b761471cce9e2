/**
 * Deployments through the API, on a model pack with two versions of
 * digits-small: the default (newest version, alone), changes checked field by
 * field behind the admin token, requests naming no version following the
 * champion, sticky A/B assignment by key with the challenger's share within
 * tolerance (split answers saying which version answered each key), shadow
 * runs that are never returned but logged with source `shadow` on the same
 * keys (windows show both versions side by side), requests naming a version
 * unaffected, and the deployment (its previous champion too) kept in the
 * store across a restart. Promotion and rollback: promotion.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditResponse } from '../../src/core/api/audit';
import { Deployment } from '../../src/core/api/deployment';
import { ErrorBody, type ErrorCode } from '../../src/core/api/errors';
import { WindowsResponse } from '../../src/core/api/evaluation';
import { InferenceResponse, ModelMetadata, ModelReady } from '../../src/core/api/oip';
import { PredictResponse } from '../../src/core/api/predict';
import { drawnPixels, drawnRgba, encodePngBase64 } from '../../test/drawn-digits';
import { packWithSecondVersions } from '../../test/server/second-versions';
import { readyServer } from '../../test/server/test-server';
import type { Server } from '../app';

const TOKEN = 'deployment-admin-token-0123';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const URL = '/v1/models/digits-small/deployment';

const packWithTwoVersions = () => packWithSecondVersions('digits-small');

/** Parses strictly: the value equals the body only if no object at any depth had an unknown key. */
function conforms<T>(schema: z.ZodType<T>, body: unknown): T {
  const strict = schema instanceof z.ZodObject ? (schema.strict() as unknown as z.ZodType<T>) : schema;
  const parsed = strict.parse(body);
  expect(parsed).toEqual(body);
  return parsed;
}

const put = (server: Server, payload: object, headers: Record<string, string> = AUTH) => server.app.inject({ method: 'PUT', url: URL, headers, payload });
const predict = (server: Server, keys: readonly string[], path = 'digits-small') =>
  server.app.inject({
    method: 'POST',
    url: `/v1/models/${path}:predict`,
    payload: { instances: keys.map((key, i) => ({ key, pixels: drawnPixels(i % 10) })) },
  });
const keysFrom = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** The version that answered each key of a :predict answer. */
function versionsByKey(body: PredictResponse): Map<string, string> {
  return new Map(body.predictions.map((p) => [p.key, p.model_version ?? body.model_version]));
}

describe('deployments without a store (EVALUATION=off)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await readyServer({ MODEL_REPOSITORY: packWithTwoVersions(), ADMIN_TOKEN: TOKEN });
  });
  afterAll(() => server.app.close());

  it('defaults to the newest version alone, without the admin token to read it', async () => {
    const response = await server.app.inject({ url: URL });
    expect(response.statusCode).toBe(200);
    expect(conforms(Deployment, response.json())).toEqual({
      model: 'digits-small',
      champion: '2',
      previous_champion: null,
      challenger: null,
      mode: 'none',
      challenger_share: 0,
      since: null,
    });
    expect(conforms(PredictResponse, (await predict(server, ['d1'])).json()).model_version).toBe('2');
  });

  it.each([
    ['an unknown model', { method: 'GET', url: '/v1/models/nope/deployment' }, 404, 'MODEL_NOT_FOUND', /nope/],
    ['a change without the token', { method: 'PUT', url: URL, payload: { champion: '1', mode: 'none' } }, 401, 'UNAUTHORIZED', /token/],
    [
      'a champion not served',
      { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '9', mode: 'none' } },
      404,
      'VERSION_NOT_FOUND',
      /^champion: .*"9"/,
    ],
    [
      'a challenger not served',
      { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '1', challenger: '7', mode: 'shadow' } },
      404,
      'VERSION_NOT_FOUND',
      /^challenger: .*"7"/,
    ],
    [
      'shadow without a challenger',
      { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '1', mode: 'shadow' } },
      400,
      'INVALID_REQUEST',
      /^challenger: required/,
    ],
    [
      'ab without a share',
      { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '1', challenger: '2', mode: 'ab' } },
      400,
      'INVALID_REQUEST',
      /^challenger_share: required/,
    ],
    [
      'a share above 1',
      { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '1', challenger: '2', mode: 'ab', challenger_share: 1.5 } },
      400,
      'INVALID_REQUEST',
      /challenger_share/,
    ],
    [
      'the champion as its own challenger',
      { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '1', challenger: '1', mode: 'ab', challenger_share: 0.5 } },
      400,
      'INVALID_REQUEST',
      /^challenger: must differ/,
    ],
    ['an unknown mode', { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '1', mode: 'canary' } }, 400, 'INVALID_REQUEST', /mode/],
    ['an unknown field', { method: 'PUT', url: URL, headers: AUTH, payload: { champion: '1', mode: 'none', weight: 1 } }, 400, 'INVALID_REQUEST', /weight/],
    ['no body', { method: 'PUT', url: URL, headers: AUTH }, 400, 'INVALID_REQUEST', /body/],
  ] as [string, InjectOptions, number, ErrorCode, RegExp][])('refuses %s, naming it', async (_what, request, status, code, message) => {
    const response = await server.app.inject(request);
    expect(response.statusCode, response.body).toBe(status);
    const body = conforms(ErrorBody, response.json());
    expect(body.code).toBe(code);
    expect(body.error).toMatch(message);
    // Nothing changed.
    expect((await server.app.inject({ url: URL })).json()).toMatchObject({ champion: '2', mode: 'none', since: null });
  });

  it('sends requests naming no version to the champion set; requests naming a version are unaffected', async () => {
    const before = Date.now();
    const response = await put(server, { champion: '1', mode: 'none' });
    expect(response.statusCode, response.body).toBe(200);
    const set = conforms(Deployment, response.json());
    // The default champion (the newest version) becomes the previous one.
    expect(set).toMatchObject({ model: 'digits-small', champion: '1', previous_champion: '2', challenger: null, mode: 'none', challenger_share: 0 });
    expect(Date.parse(set.since ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(conforms(Deployment, (await server.app.inject({ url: URL })).json())).toEqual(set);

    expect(conforms(PredictResponse, (await predict(server, ['n1', 'n2'])).json()).model_version).toBe('1');
    expect(conforms(PredictResponse, (await predict(server, ['n1'], 'digits-small/versions/2')).json()).model_version).toBe('2');
    const tensor = { name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', data: drawnPixels(3) };
    const infer = await server.app.inject({ method: 'POST', url: '/v2/models/digits-small/infer', payload: { inputs: [tensor] } });
    expect(conforms(InferenceResponse, infer.json()).model_version).toBe('1');
    const named = await server.app.inject({ method: 'POST', url: '/v2/models/digits-small/versions/2/infer', payload: { inputs: [tensor] } });
    expect(conforms(InferenceResponse, named.json()).model_version).toBe('2');
    expect(conforms(ModelReady, (await server.app.inject({ url: '/v2/models/digits-small/ready' })).json())).toMatchObject({ version: '1' });
    expect(conforms(ModelMetadata, (await server.app.inject({ url: '/v2/models/digits-small' })).json()).versions).toEqual(['1', '2']);
  });

  it('A/B: the challenger answers its share of keys, each key always the same version, and the answer says which', async () => {
    const set = await put(server, { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.3 });
    expect(conforms(Deployment, set.json())).toMatchObject({ champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.3 });

    const keys = keysFrom('ab', 2000);
    const first = new Map<string, string>();
    for (let i = 0; i < keys.length; i += 200) {
      const response = await predict(server, keys.slice(i, i + 200));
      expect(response.statusCode).toBe(200);
      const body = conforms(PredictResponse, response.json());
      // Split between the versions: the answer names the champion, and every prediction its own version, in the order sent.
      expect(body.model_version).toBe('1');
      expect(body.predictions.map((p) => p.key)).toEqual(keys.slice(i, i + 200));
      expect(body.predictions.every((p) => p.model_version === '1' || p.model_version === '2')).toBe(true);
      for (const [key, version] of versionsByKey(body)) first.set(key, version);
    }
    const share = [...first.values()].filter((v) => v === '2').length / keys.length;
    // 4 standard errors of a share of 0.3 over 2,000 keys.
    expect(Math.abs(share - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / keys.length));

    // Sticky: the same keys, alone or in other company, meet the same versions.
    for (const key of keys.slice(0, 40)) {
      const body = conforms(PredictResponse, (await predict(server, [key])).json());
      expect(body.predictions[0]?.model_version).toBeUndefined();
      expect(body.model_version, key).toBe(first.get(key));
    }
    const shuffled = [...keys.slice(0, 250)].reverse();
    const again = conforms(PredictResponse, (await predict(server, shuffled)).json());
    for (const [key, version] of versionsByKey(again)) expect(version, key).toBe(first.get(key));

    // Raising the share keeps every challenger key on the challenger.
    await put(server, { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.6 });
    const raised = conforms(PredictResponse, (await predict(server, keys.slice(0, 200))).json());
    for (const [key, version] of versionsByKey(raised)) if (first.get(key) === '2') expect(version, key).toBe('2');

    // A request naming a version is not split.
    const named = conforms(PredictResponse, (await predict(server, keys.slice(0, 50), 'digits-small/versions/1')).json());
    expect(named.model_version).toBe('1');
    expect(named.predictions.every((p) => p.model_version === undefined)).toBe(true);
  });

  it('A/B with PNG instances: decoded, then split the same way', async () => {
    await put(server, { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.5 });
    const keys = keysFrom('png', 12);
    const image = encodePngBase64(280, 280, drawnRgba(4));
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/models/digits-small:predict',
      payload: { instances: keys.map((key) => ({ key, image })) },
    });
    expect(response.statusCode, response.body).toBe(200);
    const pngs = versionsByKey(conforms(PredictResponse, response.json()));
    const pixels = versionsByKey(conforms(PredictResponse, (await predict(server, keys)).json()));
    expect(pngs).toEqual(pixels);
    expect(new Set(pngs.values())).toEqual(new Set(['1', '2']));
  });

  it('A/B over OIP: a request is routed whole by its id, the same id always to the same version', async () => {
    await put(server, { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.5 });
    const tensor = { name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', data: drawnPixels(5) };
    const versions = new Map<string, string>();
    for (let i = 0; i < 200; i++) {
      const id = `oip-${i % 100}`;
      const body = conforms(
        InferenceResponse,
        (await server.app.inject({ method: 'POST', url: '/v2/models/digits-small/infer', payload: { id, inputs: [tensor] } })).json(),
      );
      const version = body.model_version as string;
      if (versions.has(id)) expect(version, id).toBe(versions.get(id));
      versions.set(id, version);
    }
    const challenger = [...versions.values()].filter((v) => v === '2').length;
    expect(challenger).toBeGreaterThan(30);
    expect(challenger).toBeLessThan(70);
  });

  it('shadow: the champion answers every request; the challenger runs after it, never returned, and is counted', async () => {
    await put(server, { champion: '1', challenger: '2', mode: 'shadow' });
    for (let i = 0; i < 5; i++) {
      const body = conforms(PredictResponse, (await predict(server, keysFrom(`sh${i}`, 20))).json());
      expect(body.model_version).toBe('1');
      expect(body.predictions.every((p) => p.model_version === undefined)).toBe(true);
    }
    await server.context.shadow.settled();
    const metrics = (await server.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^shadow_requests_total\{model="digits-small",version="2",outcome="answered"\} 5$/m);
    expect(metrics).toMatch(/^shadow_rows 0$/m);
  });
});

describe('deployments in the store, with shadow answers logged', () => {
  const registry = packWithTwoVersions();
  const dataDir = mkdtempSync(join(tmpdir(), 'deployments-'));
  const start = () => readyServer({ MODEL_REPOSITORY: registry, ADMIN_TOKEN: TOKEN, EVALUATION: 'on', DATA_DIR: dataDir });
  let server: Server;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.app.close());

  it('logs the shadow on the same keys as the champion, with source shadow, and windows show both versions side by side', async () => {
    const set = conforms(Deployment, (await put(server, { champion: '1', challenger: '2', mode: 'shadow' })).json());
    const keys = keysFrom('shadow-log', 30);
    const body = conforms(PredictResponse, (await predict(server, keys)).json());
    expect(body.model_version).toBe('1');
    await server.context.shadow.settled();
    const flushed = await server.app.inject({ method: 'POST', url: '/v1/monitoring/flush', headers: AUTH });
    expect(flushed.statusCode).toBe(200);

    const rows = await server.context.evaluation?.db.query<{ key: string; version: string; source: string; label: string }>(
      "SELECT key, version, source, label FROM predictions WHERE key LIKE 'shadow-log-%' ORDER BY key, source",
    );
    const cloud = rows?.filter((r) => r.source === 'cloud') ?? [];
    const shadow = rows?.filter((r) => r.source === 'shadow') ?? [];
    expect(cloud.map((r) => r.key).sort()).toEqual([...keys].sort());
    expect(shadow.map((r) => r.key).sort()).toEqual([...keys].sort());
    expect(new Set(cloud.map((r) => r.version))).toEqual(new Set(['1']));
    expect(new Set(shadow.map((r) => r.version))).toEqual(new Set(['2']));
    // Version 2 has version 1's weights: the shadow's labels are the champion's.
    const cloudLabel = new Map(cloud.map((r) => [r.key, r.label]));
    for (const r of shadow) expect(r.label).toBe(cloudLabel.get(r.key));

    const windows = await server.app.inject({ url: '/v1/monitoring/models/digits-small/windows?window=1d', headers: AUTH });
    const listed = WindowsResponse.parse(windows.json()).windows.map((w) => ({
      start: w.start,
      version: w.version,
      source: w.source,
      predictions: w.predictions,
    }));
    const lastStart = listed.at(-1)?.start;
    const latest = listed.filter((w) => w.start === lastStart);
    expect(latest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ version: '1', source: 'cloud', predictions: 30 }),
        expect.objectContaining({ version: '2', source: 'shadow', predictions: 30 }),
      ]),
    );
    expect(set.since).not.toBeNull();
  });

  it('records each change in the audit log, with the deployment before and after', async () => {
    const before = conforms(Deployment, (await server.app.inject({ url: URL })).json());
    const after = conforms(Deployment, (await put(server, { champion: '2', challenger: '1', mode: 'ab', challenger_share: 0.1 })).json());
    const response = await server.app.inject({ url: '/v1/monitoring/audit?model=digits-small', headers: AUTH });
    expect(response.statusCode).toBe(200);
    const [latest] = AuditResponse.parse(response.json()).entries;
    expect(latest).toMatchObject({ kind: 'deployment_changed', model: 'digits-small', version: '2', details: { previous: before, current: after } });
    // A refused change records nothing.
    await put(server, { champion: '9', mode: 'none' });
    const again = AuditResponse.parse((await server.app.inject({ url: '/v1/monitoring/audit?model=digits-small', headers: AUTH })).json());
    expect(again.entries[0]?.id).toBe(latest?.id);
  });

  it('keeps the deployment across a restart', async () => {
    const set = conforms(Deployment, (await put(server, { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.25 })).json());
    await server.app.close();
    server = await start();
    expect(conforms(Deployment, (await server.app.inject({ url: URL })).json())).toEqual(set);
    // digits-full has none set: the default.
    expect((await server.app.inject({ url: '/v1/models/digits-full/deployment' })).json()).toMatchObject({ champion: '1', mode: 'none', since: null });
  });
});
