/**
 * The model repository extension at run time, guarded by a token: loading
 * versions without failing requests in flight (and leaving the serving
 * versions alone when a new one is broken), the index of listed versions with
 * their state, and unloading a model while requests run, none of them
 * failing. Bodies are optional, as the extension allows, and every answer
 * parses strictly with its wire schema.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Server } from '../app';
import { ModelLoadResponse, RepositoryIndexResponse, RepositoryUnloadResponse } from '../../src/core/api/admin';
import { ErrorBody } from '../../src/core/api/errors';
import { PredictResponse } from '../../src/core/api/predict';
import { readyServer, registryCopy } from '../../test/server/test-server';
import { drawnPixels } from '../../test/drawn-digits';

const TOKEN = 'test-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
let server: Server;
let registryDir: string;

/** Adds version `version` of `name` to the manifest in `dir`, with the given file bytes (a copy of version 1 by default). */
function addVersion(version: string, bytes?: Buffer, name = 'digits-full', dir = registryDir): void {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const first = manifest.models.find((m: { name: string; version: string }) => m.name === name && m.version === '1');
  mkdirSync(join(dir, name, version), { recursive: true });
  const target = join(dir, name, version, 'model.onnx');
  if (bytes) writeFileSync(target, bytes);
  else copyFileSync(join(dir, first.file), target);
  // The new version has no reference statistics of its own: version 1's file lives under 1/.
  const { reference: _reference, ...entry } = first;
  manifest.models.push({ ...entry, version, file: `${name}/${version}/model.onnx` });
  writeFileSync(manifestPath, JSON.stringify(manifest));
}

/** Parses strictly: an unknown key at any depth fails (zod drops nested ones, so the parsed value would differ). */
function conforms<T>(schema: z.ZodType<T>, body: unknown): T {
  const strict = schema instanceof z.ZodObject ? (schema.strict() as unknown as z.ZodType<T>) : schema;
  const parsed = strict.parse(body);
  expect(parsed).toEqual(body);
  return parsed;
}

const load = (token?: string, model = 'digits-full') =>
  server.app.inject({ method: 'POST', url: `/v2/repository/models/${model}/load`, headers: token ? { authorization: `Bearer ${token}` } : {} });
const predict = (key: string) =>
  server.app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload: { instances: [{ key, pixels: drawnPixels(9) }] } });

beforeAll(async () => {
  registryDir = registryCopy();
  server = await readyServer({ MODEL_REPOSITORY: registryDir, ADMIN_TOKEN: TOKEN });
});
afterAll(() => server.app.close());

describe('loading model versions without a restart', () => {
  it('is closed without the token', async () => {
    const missing = await load();
    expect([missing.statusCode, missing.json().code, missing.headers['www-authenticate']]).toEqual([401, 'UNAUTHORIZED', 'Bearer']);
    expect((await load('wrong-token-wrong-token')).json().error).toMatch(/missing or wrong admin token/);
  });

  it('is off when no token is configured', async () => {
    const other = await readyServer();
    const response = await other.app.inject({ method: 'POST', url: '/v2/repository/models/digits-full/load' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatch(/set ADMIN_TOKEN/);
    expect(response.json().code).toBe('ADMIN_DISABLED');
    await other.app.close();
  });

  it('loads a new version while requests run, none failing, and makes it the default', async () => {
    addVersion('2');
    const before = Array.from({ length: 100 }, (_, i) => predict(`before-${i}`));
    const loading = load(TOKEN);
    const during = Array.from({ length: 100 }, (_, i) => predict(`during-${i}`));
    const loaded = await loading;
    expect(loaded.statusCode).toBe(200);
    expect(loaded.json()).toEqual({ model: 'digits-full', loaded: ['2'], serving: ['1', '2'] });
    const responses = await Promise.all([...before, ...during]);
    expect(responses.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
    expect(responses.every((r) => r.json().predictions[0].label === '9')).toBe(true);
    expect((await predict('after')).json().model_version).toBe('2');
    expect((await server.app.inject({ url: '/v2/models/digits-full' })).json().versions).toEqual(['1', '2']);
  });

  it('leaves the serving versions alone when a new one is broken, and says why', async () => {
    addVersion('3', Buffer.from('this is not an onnx model'));
    const response = await load(TOKEN);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('MODEL_LOAD_FAILED');
    expect(response.json().error).toMatch(/load failed, nothing changed \(still serving versions 1, 2\): digits-full v3: .* has 25 bytes, the manifest says/);
    expect((await predict('still')).json()).toMatchObject({ model_version: '2' });
    expect((await server.app.inject({ url: '/v2/models/digits-full/versions/3' })).statusCode).toBe(404);
    const index = await server.app.inject({ method: 'POST', url: '/v2/repository/index', headers: AUTH });
    const v3 = conforms(RepositoryIndexResponse, index.json()).find((e) => e.name === 'digits-full' && e.version === '3');
    expect(v3).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/^load failed: digits-full v3: .* has 25 bytes/) });
  });

  it('answers 404 for a model the manifest does not list', async () => {
    const response = await load(TOKEN, 'nope');
    expect([response.statusCode, response.json().code]).toEqual([404, 'MODEL_NOT_FOUND']);
    expect(response.json().error).toMatch(/the manifest lists no model "nope"/);
  });
});

describe('load request bodies', () => {
  const loadWith = (options: Partial<InjectOptions>) =>
    server.app.inject({ method: 'POST', url: '/v2/repository/models/digits-small/load', ...options, headers: { ...AUTH, ...options.headers } });

  it.each<[string, Partial<InjectOptions>]>([
    ['no body', {}],
    ['an empty body declared as JSON', { headers: { 'content-type': 'application/json' }, payload: '' }],
    ['{}', { payload: {} }],
    ['{} without a Content-Type', { payload: '{}' }],
    ['empty parameters', { payload: { parameters: {} } }],
  ])('accepts %s', async (_what, options) => {
    const response = await loadWith(options);
    expect(response.statusCode, response.body).toBe(200);
    expect(conforms(ModelLoadResponse, response.json())).toEqual({ model: 'digits-small', loaded: [], serving: ['1'] });
  });

  it.each<[string, Partial<InjectOptions>, number, string, RegExp]>([
    [
      'a config override',
      { payload: { parameters: { config: '{}' } } },
      400,
      'INVALID_REQUEST',
      /unsupported load parameter\(s\) "config": versions load from the model manifest/,
    ],
    ['a file override', { payload: { parameters: { 'file:1/model.onnx': 'AAAA' } } }, 400, 'INVALID_REQUEST', /"file:1\/model.onnx"/],
    ['an unknown field', { payload: { model: 'x' } }, 400, 'INVALID_REQUEST', /Unrecognized key: "model"/],
    ['a JSON array', { payload: [] }, 400, 'INVALID_REQUEST', /expected object/],
    ['broken JSON', { headers: { 'content-type': 'application/json' }, payload: '{' }, 400, 'INVALID_JSON', /not valid JSON/],
    [
      'a form body',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '{}' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /send application\/json/,
    ],
  ])('refuses %s', async (_what, options, status, code, message) => {
    const response = await loadWith(options);
    expect(response.statusCode).toBe(status);
    expect(conforms(ErrorBody, response.json())).toMatchObject({ code, error: expect.stringMatching(message) });
  });

  it('checks the token before the body', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v2/repository/models/digits-small/load',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expect([response.statusCode, response.json().code]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('reads bare bodies on the admin routes; inference still refuses an empty body, and :predict a body with no type', async () => {
    const infer = (options: Partial<InjectOptions>) => server.app.inject({ method: 'POST', url: '/v2/models/digits-small/infer', ...options });
    expect((await infer({ headers: { 'content-type': 'application/json' }, payload: '' })).json().code).toBe('INVALID_JSON');
    // OIP reads a body with no Content-Type as JSON, as Triton does: {} then lacks its inputs.
    expect((await infer({ payload: '{}' })).json()).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringMatching(/"inputs"/) });
    const predict = await server.app.inject({ method: 'POST', url: '/v1/models/digits-small:predict', payload: '{}' });
    expect(predict.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('the repository index and unloading', () => {
  let repo: Server;
  let repoDir: string;
  beforeAll(async () => {
    repoDir = registryCopy();
    repo = await readyServer({ MODEL_REPOSITORY: repoDir, ADMIN_TOKEN: TOKEN });
    // Listed but never loaded: the index shows it UNAVAILABLE.
    addVersion('2', undefined, 'digits-small', repoDir);
  });
  afterAll(() => repo.app.close());

  const post = (url: string, options: Partial<InjectOptions> = {}) =>
    repo.app.inject({ method: 'POST', url, ...options, headers: { ...AUTH, ...options.headers } });
  const index = (options?: Partial<InjectOptions>) => post('/v2/repository/index', options);
  const unload = (model = 'digits-full', options?: Partial<InjectOptions>) => post(`/v2/repository/models/${model}/unload`, options);
  const predictOn = (key: string, signature = 'serving_default', instances = 1) =>
    repo.app.inject({
      method: 'POST',
      url: '/v1/models/digits-full:predict',
      payload: { signature, instances: Array.from({ length: instances }, (_, i) => ({ key: `${key}-${i}`, pixels: drawnPixels(9) })) },
    });
  /** Waits until `count` requests have resolved their model, so they are in flight when what follows starts. */
  async function inFlight<T>(count: number, start: () => Promise<T>[]): Promise<Promise<T>[]> {
    // Counted where the route hands its instances to the model, past the admission gate (which resolves the model too).
    const predict = vi.spyOn(repo.context.predictor, 'predict');
    try {
      const requests = start();
      while (predict.mock.calls.length < count) await new Promise((r) => setImmediate(r));
      return requests;
    } finally {
      predict.mockRestore();
    }
  }

  const ALL = [
    { name: 'digits-full', version: '1', state: 'READY', reason: '' },
    { name: 'digits-small', version: '1', state: 'READY', reason: '' },
    { name: 'digits-small', version: '2', state: 'UNAVAILABLE', reason: 'not loaded' },
  ];

  it('is closed without the token', async () => {
    for (const [path, headers] of [
      ['/v2/repository/index', {}],
      ['/v2/repository/index', { authorization: 'Bearer wrong-token-wrong-token-xx' }],
      ['/v2/repository/models/digits-full/unload', {}],
    ] as const) {
      const response = await repo.app.inject({ method: 'POST', url: path, headers });
      expect([response.statusCode, conforms(ErrorBody, response.json()).code, response.headers['www-authenticate']]).toEqual([401, 'UNAUTHORIZED', 'Bearer']);
    }
    expect(repo.context.registry.versions('digits-full')).toEqual(['1']);
  });

  it.each<[string, Partial<InjectOptions>]>([
    ['no body', {}],
    ['an empty body declared as JSON', { headers: { 'content-type': 'application/json' }, payload: '' }],
    ['{}', { payload: {} }],
    ['{} without a Content-Type', { payload: '{}' }],
    ['{"ready": false}', { payload: { ready: false } }],
  ])('lists every version the manifest lists, with %s', async (_what, options) => {
    const response = await index(options);
    expect(response.statusCode, response.body).toBe(200);
    expect(conforms(RepositoryIndexResponse, response.json())).toEqual(ALL);
  });

  it('lists only the ready versions with {"ready": true}', async () => {
    const response = await index({ payload: { ready: true } });
    expect(conforms(RepositoryIndexResponse, response.json())).toEqual(ALL.filter((e) => e.state === 'READY'));
  });

  it.each<[string, Partial<InjectOptions>, string]>([
    ['a ready that is not a boolean', { payload: { ready: 'yes' } }, 'INVALID_REQUEST'],
    ['an unknown field', { payload: { redy: true } }, 'INVALID_REQUEST'],
    ['a text body', { headers: { 'content-type': 'text/plain' }, payload: 'ready' }, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses an index request with %s', async (_what, options, code) => {
    const response = await index(options);
    expect(conforms(ErrorBody, response.json()).code).toBe(code);
  });

  it('unloads a model while requests run, none failing, then answers 404 MODEL_NOT_FOUND for it', async () => {
    const requests = await inFlight(100, () => Array.from({ length: 100 }, (_, i) => predictOn(`during-${i}`)));
    let answered = 0;
    for (const r of requests) void r.then(() => answered++);
    const unloading = unload();
    // Some requests are still running when the unload starts.
    expect(answered).toBeLessThan(100);
    const unloaded = await unloading;
    expect(unloaded.statusCode, unloaded.body).toBe(200);
    expect(conforms(RepositoryUnloadResponse, unloaded.json())).toEqual({});
    // The unload answers once the requests it found in flight are done.
    expect(answered).toBe(100);
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
    expect(responses.every((r) => conforms(PredictResponse, r.json()).predictions[0]?.label === '9')).toBe(true);

    const after = await predictOn('after');
    expect(after.statusCode).toBe(404);
    expect(conforms(ErrorBody, after.json())).toEqual({ code: 'MODEL_NOT_FOUND', error: 'model "digits-full" is unloaded; serving: digits-small' });
    expect((await repo.app.inject({ url: '/v2/models/digits-full/ready' })).statusCode).toBe(404);
    expect((await repo.app.inject({ url: '/v2/health/ready' })).statusCode).toBe(200);

    const all = conforms(RepositoryIndexResponse, (await index()).json());
    expect(all[0]).toEqual({ name: 'digits-full', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' });
    const ready = conforms(RepositoryIndexResponse, (await index({ payload: { ready: true } })).json());
    expect(ready).toEqual([{ name: 'digits-small', version: '1', state: 'READY', reason: '' }]);
  });

  it('answers 404 MODEL_NOT_FOUND to unload a model that is not loaded, or unknown', async () => {
    for (const [model, message] of [
      ['digits-full', 'model "digits-full" is not loaded; serving: digits-small'],
      ['nope', 'model "nope" is not loaded; serving: digits-small'],
    ]) {
      const response = await unload(model);
      expect(response.statusCode).toBe(404);
      expect(conforms(ErrorBody, response.json())).toEqual({ code: 'MODEL_NOT_FOUND', error: message });
    }
  });

  it('serves the model again after a load', async () => {
    const loaded = await post('/v2/repository/models/digits-full/load');
    expect(conforms(ModelLoadResponse, loaded.json())).toEqual({ model: 'digits-full', loaded: ['1'], serving: ['1'] });
    const response = await predictOn('back');
    expect(response.statusCode).toBe(200);
    expect(conforms(PredictResponse, response.json())).toMatchObject({ model_version: '1', predictions: [{ label: '9' }] });
    expect(conforms(RepositoryIndexResponse, (await index()).json())).toEqual(ALL);
  });

  it('lets explanations in flight finish, including those waiting for their turn', async () => {
    // One explanation runs at a time (EXPLAIN_CONCURRENCY=1): the others wait, holding the model, and each runs two instances in turn.
    const requests = await inFlight(3, () => Array.from({ length: 3 }, (_, i) => predictOn(`explain-${i}`, 'explain', 2)));
    const unloaded = await unload();
    expect(unloaded.statusCode, unloaded.body).toBe(200);
    const responses = await Promise.all(requests);
    expect(responses.map((r) => [r.statusCode, r.json().code])).toEqual(Array.from({ length: 3 }, () => [200, undefined]));
    for (const r of responses) expect(conforms(PredictResponse, r.json()).predictions.map((p) => p.explanation?.method)).toEqual(['occlusion', 'occlusion']);
    expect((await post('/v2/repository/models/digits-full/load')).statusCode).toBe(200);
  });

  it.each<[string, Partial<InjectOptions>]>([
    ['no body', {}],
    ['{}', { payload: {} }],
    ["Triton's Python client body, without a Content-Type", { payload: JSON.stringify({ parameters: { unload_dependents: false } }) }],
    ['unload_dependents true', { payload: { parameters: { unload_dependents: true } } }],
  ])('unloads with %s', async (_what, options) => {
    const response = await unload('digits-small', options);
    expect(response.statusCode, response.body).toBe(200);
    expect(conforms(RepositoryUnloadResponse, response.json())).toEqual({});
    expect(repo.context.registry.has('digits-small')).toBe(false);
    expect((await post('/v2/repository/models/digits-small/load')).statusCode).toBe(200);
  });

  it.each<[string, object, RegExp]>([
    ['an unknown parameter', { parameters: { force: true } }, /Unrecognized key: "force"/],
    ['an unload_dependents that is not a boolean', { parameters: { unload_dependents: 'yes' } }, /unload_dependents.*expected boolean/],
    ['an unknown field', { ready: true }, /Unrecognized key: "ready"/],
  ])('refuses an unload with %s, and unloads nothing', async (_what, payload, message) => {
    const response = await unload('digits-small', { payload });
    expect(response.statusCode).toBe(400);
    expect(conforms(ErrorBody, response.json())).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringMatching(message) });
    expect(repo.context.registry.versions('digits-small')).toEqual(['1', '2']);
  });
});

describe('the API document of the admin routes', () => {
  it('marks their request bodies optional, and only theirs', async () => {
    const doc = (await server.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, { post?: { requestBody?: { required?: boolean } } }> };
    for (const path of ['/v2/repository/index', '/v2/repository/models/{model}/load', '/v2/repository/models/{model}/unload']) {
      expect(doc.paths[path]?.post?.requestBody?.required, path).toBe(false);
      expect(
        Object.keys(doc.paths[path]?.post ?? {}).filter((k) => k.startsWith('x-')),
        path,
      ).toEqual([]);
    }
    expect(doc.paths['/v2/models/{model}/infer']?.post?.requestBody?.required).toBe(true);
  });
});
