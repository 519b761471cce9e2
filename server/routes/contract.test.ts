/**
 * The routes answer what the shared wire schemas in src/core/api declare,
 * the same schemas the API document and the PWA's client are made from. Each
 * documented operation is called with valid requests (every `:predict`
 * signature, pixels and PNG instances, an admin load that loads a new
 * version, the repository index, an unload), and each answer is parsed strictly by its zod schema: an unknown
 * field at any depth fails, as does a missing or mistyped one. Error answers
 * parse strictly as ErrorBody. The last test checks that these cases cover
 * every operation of /openapi.json, so a new route needs a contract here.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelLoadResponse, RepositoryIndexResponse, RepositoryUnloadResponse } from '../../src/core/api/admin';
import { ErrorBody, type ErrorCode } from '../../src/core/api/errors';
import { InferenceResponse, ModelMetadata, ModelReady, ServerLive, ServerMetadata, ServerReady } from '../../src/core/api/oip';
import { PredictResponse } from '../../src/core/api/predict';
import { argmax } from '../../src/core/math/probabilities';
import { drawnPixels, drawnRgba, encodePngBase64, packModel } from '../../test/drawn-digits';
import { BATCH_OPERATIONS, DEPLOYMENT_OPERATIONS, EVALUATION_OPERATIONS, RETRAIN_OPERATIONS } from '../../test/server/api-operations';
import { coldServer, readyServer, registryCopy } from '../../test/server/test-server';
import type { Server } from '../app';

const TOKEN = 'contract-admin-token-0123456789';

let server: Server;
let registryDir: string;
beforeAll(async () => {
  registryDir = registryCopy();
  server = await readyServer({ MODEL_REPOSITORY: registryDir, ADMIN_TOKEN: TOKEN });
});
afterAll(() => server.app.close());

/**
 * Parses `body` with `schema`, strictly: objects refuse unknown keys at the
 * top (`.strict()`), and since zod drops unknown keys of nested objects, the
 * parsed value equals the body only if no object at any depth had one.
 */
function conforms<T>(schema: z.ZodType<T>, body: unknown): T {
  const strict = schema instanceof z.ZodObject ? (schema.strict() as unknown as z.ZodType<T>) : schema;
  const parsed = strict.parse(body);
  expect(parsed).toEqual(body);
  return parsed;
}

interface Case {
  /** The documented operation, as in /openapi.json. */
  readonly operation: string;
  readonly what: string;
  readonly request: InjectOptions;
  readonly schema: z.ZodType;
  /** Values the answer must hold besides its shape. */
  readonly expected: Record<string, unknown>;
}

const tensor = (digits: number[]) => ({ name: 'pixels', shape: [digits.length, 1, 28, 28], datatype: 'FP32', data: digits.flatMap((d) => drawnPixels(d)) });
const post = (url: string, payload: object): InjectOptions => ({ method: 'POST', url, payload });
const PREDICT = 'POST /v1/models/{model}:predict';
const PREDICT_VERSION = 'POST /v1/models/{model}/versions/{version}:predict';

const CASES: readonly Case[] = [
  { operation: 'GET /v2/health/live', what: 'liveness', request: { url: '/v2/health/live' }, schema: ServerLive, expected: { live: true } },
  { operation: 'GET /v2/health/ready', what: 'readiness', request: { url: '/v2/health/ready' }, schema: ServerReady, expected: { ready: true } },
  {
    operation: 'GET /v2',
    what: 'server metadata',
    request: { url: '/v2' },
    schema: ServerMetadata,
    expected: { extensions: ['model_repository', 'binary_tensor_data'] },
  },
  {
    operation: 'GET /v2/models/{model}',
    what: 'model metadata',
    request: { url: '/v2/models/digits-full' },
    schema: ModelMetadata,
    expected: { name: 'digits-full', versions: ['1'], platform: 'onnx_onnxv1' },
  },
  {
    operation: 'GET /v2/models/{model}/versions/{version}',
    what: 'model version metadata',
    request: { url: '/v2/models/digits-small/versions/1' },
    schema: ModelMetadata,
    expected: { name: 'digits-small', inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 1, 28, 28] }] },
  },
  {
    operation: 'GET /v2/models/{model}/ready',
    what: 'model readiness',
    request: { url: '/v2/models/digits-full/ready' },
    schema: ModelReady,
    expected: { name: 'digits-full', version: '1', ready: true },
  },
  {
    operation: 'GET /v2/models/{model}/versions/{version}/ready',
    what: 'model version readiness',
    request: { url: '/v2/models/digits-small/versions/1/ready' },
    schema: ModelReady,
    expected: { name: 'digits-small', version: '1', ready: true },
  },
  {
    operation: 'POST /v2/models/{model}/infer',
    what: 'infer with an id and a requested output',
    request: post('/v2/models/digits-full/infer', { id: 'contract-1', inputs: [tensor([3, 8])], outputs: [{ name: 'logits' }] }),
    schema: InferenceResponse,
    expected: { model_name: 'digits-full', model_version: '1', id: 'contract-1' },
  },
  {
    operation: 'POST /v2/models/{model}/versions/{version}/infer',
    what: 'infer with a named version',
    request: post('/v2/models/digits-small/versions/1/infer', { inputs: [tensor([5])] }),
    schema: InferenceResponse,
    expected: { model_name: 'digits-small', model_version: '1' },
  },
  {
    operation: PREDICT,
    what: 'predict, default signature',
    request: post('/v1/models/digits-full:predict', { instances: [{ key: 'a', pixels: drawnPixels(2) }] }),
    schema: PredictResponse,
    expected: { model: 'digits-full', model_version: '1', signature: 'serving_default' },
  },
  {
    operation: PREDICT,
    what: 'predict, serving_default, a PNG instance',
    request: post('/v1/models/digits-full:predict', {
      signature: 'serving_default',
      instances: [{ key: 'png', image: encodePngBase64(280, 280, drawnRgba(4)), ink: 'dark-on-light' }],
    }),
    schema: PredictResponse,
    expected: { signature: 'serving_default' },
  },
  {
    operation: PREDICT,
    what: 'predict, logits',
    request: post('/v1/models/digits-full:predict', { signature: 'logits', instances: [{ key: 'a', pixels: drawnPixels(6) }] }),
    schema: PredictResponse,
    expected: { signature: 'logits' },
  },
  {
    operation: PREDICT,
    what: 'predict, explain',
    request: post('/v1/models/digits-full:predict', { signature: 'explain', instances: [{ key: 'a', pixels: drawnPixels(7) }] }),
    schema: PredictResponse,
    expected: { signature: 'explain' },
  },
  ...(['serving_default', 'logits', 'explain'] as const).map((signature) => ({
    operation: PREDICT_VERSION,
    what: `predict with a named version, ${signature}`,
    request: post('/v1/models/digits-small/versions/1:predict', { signature, instances: [{ key: 'k1', pixels: drawnPixels(1) }] }),
    schema: PredictResponse,
    expected: { model: 'digits-small', model_version: '1', signature },
  })),
];

describe('answers parse strictly with their wire schemas', () => {
  it.each(CASES.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const response = await server.app.inject(c.request);
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = conforms(c.schema, response.json()) as Record<string, unknown>;
    expect(body).toMatchObject(c.expected);
  });

  it('gives infer outputs of the shape the request asked for', async () => {
    const { labels } = packModel('digits-full');
    const response = await server.app.inject(post('/v2/models/digits-full/infer', { inputs: [tensor([3, 8])] }));
    const body = conforms(InferenceResponse, response.json());
    expect(body.outputs).toHaveLength(1);
    expect(body.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [2, labels.length] });
    const data = body.outputs[0]?.data as number[];
    expect(data).toHaveLength(2 * labels.length);
    // Row-major: each row is one drawing's logits, in the order sent.
    expect([0, 1].map((row) => labels[argmax(data.slice(row * labels.length, (row + 1) * labels.length))])).toEqual(['3', '8']);
  });

  it('gives each signature its own fields in a prediction', async () => {
    const fields = async (signature: string) => {
      const response = await server.app.inject(post('/v1/models/digits-full:predict', { signature, instances: [{ key: 'k', pixels: drawnPixels(9) }] }));
      const [prediction] = conforms(PredictResponse, response.json()).predictions;
      expect(prediction?.label).toBe('9');
      return Object.keys(prediction ?? {}).sort();
    };
    expect(await fields('serving_default')).toEqual(['key', 'label', 'probabilities']);
    expect(await fields('logits')).toEqual(['key', 'label', 'logits']);
    expect(await fields('explain')).toEqual(['explanation', 'key', 'label', 'probabilities']);
  });

  it('answers readiness 503 with the same schema while the models load', async () => {
    const cold = await coldServer();
    const response = await cold.app.inject({ url: '/v2/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(conforms(ServerReady, response.json())).toEqual({ ready: false });
    await cold.app.close();
  });

  it('answers /metrics as Prometheus text', async () => {
    const response = await server.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(z.string().parse(response.body)).toMatch(/^# HELP /m);
  });

  it('would refuse an answer with an extra field, at the top or nested', () => {
    expect(() => conforms(ServerLive, { live: true, extra: 1 })).toThrow();
    const answer = { model_name: 'm', outputs: [{ name: 'logits', shape: [1], datatype: 'FP32', data: [1] }] };
    expect(conforms(InferenceResponse, answer)).toEqual(answer);
    expect(() => conforms(InferenceResponse, { ...answer, outputs: [{ ...answer.outputs[0], extra: 1 }] })).toThrow();
  });
});

describe('the admin load answers its schema', () => {
  it('loads a version the manifest adds, and answers ModelLoadResponse', async () => {
    const manifestPath = join(registryDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: { name: string; version: string; file: string }[] };
    const small = manifest.models.find((m) => m.name === 'digits-small' && m.version === '1');
    if (!small) throw new Error('digits-small v1 is not in the manifest');
    mkdirSync(join(registryDir, 'digits-small', '2'), { recursive: true });
    copyFileSync(join(registryDir, small.file), join(registryDir, 'digits-small', '2', 'model.onnx'));
    // Version 2 has no reference statistics of its own (version 1's file lives under 1/).
    const { reference: _reference, ...entry } = small as typeof small & { reference?: unknown };
    manifest.models.push({ ...entry, version: '2', file: 'digits-small/2/model.onnx' });
    writeFileSync(manifestPath, JSON.stringify(manifest));

    const load = () => server.app.inject({ method: 'POST', url: '/v2/repository/models/digits-small/load', headers: { authorization: `Bearer ${TOKEN}` } });
    const first = await load();
    expect(first.statusCode).toBe(200);
    expect(conforms(ModelLoadResponse, first.json())).toEqual({ model: 'digits-small', loaded: ['2'], serving: ['1', '2'] });
    const again = await load();
    expect(conforms(ModelLoadResponse, again.json())).toEqual({ model: 'digits-small', loaded: [], serving: ['1', '2'] });
  });

  it('answers the repository index as RepositoryIndexResponse', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/v2/repository/index', headers: { authorization: `Bearer ${TOKEN}` }, payload: {} });
    expect(response.statusCode).toBe(200);
    expect(conforms(RepositoryIndexResponse, response.json())).toEqual([
      { name: 'digits-full', version: '1', state: 'READY', reason: '' },
      { name: 'digits-small', version: '1', state: 'READY', reason: '' },
      { name: 'digits-small', version: '2', state: 'READY', reason: '' },
    ]);
  });

  it('unloads a model and answers RepositoryUnloadResponse, then loads it back', async () => {
    const admin = (action: string) =>
      server.app.inject({ method: 'POST', url: `/v2/repository/models/digits-small/${action}`, headers: { authorization: `Bearer ${TOKEN}` } });
    const unloaded = await admin('unload');
    expect(unloaded.statusCode).toBe(200);
    expect(conforms(RepositoryUnloadResponse, unloaded.json())).toEqual({});
    expect(conforms(ModelLoadResponse, (await admin('load')).json())).toEqual({ model: 'digits-small', loaded: ['1', '2'], serving: ['1', '2'] });
  });
});

describe('error answers parse strictly as ErrorBody', () => {
  it.each([
    ['an unknown model', { url: '/v2/models/nope' }, 404, 'MODEL_NOT_FOUND'],
    ['an unknown version', { url: '/v2/models/digits-full/versions/9/ready' }, 404, 'VERSION_NOT_FOUND'],
    ['an unknown route', { url: '/v3' }, 404, 'NOT_FOUND'],
    ['a wrong verb', post('/v1/models/digits-full:classify', { instances: [{ key: 'a', pixels: drawnPixels(1) }] }), 404, 'NOT_FOUND'],
    [
      'an unknown signature',
      post('/v1/models/digits-full:predict', { signature: 'nope', instances: [{ key: 'a', pixels: drawnPixels(1) }] }),
      400,
      'INVALID_REQUEST',
    ],
    ['a bad tensor', post('/v2/models/digits-full/infer', { inputs: [{ ...tensor([1]), datatype: 'INT8' }] }), 400, 'INVALID_REQUEST'],
    ['an image that is not a PNG', post('/v1/models/digits-full:predict', { instances: [{ key: 'a', image: 'bm90IGEgcG5n' }] }), 400, 'INVALID_IMAGE'],
    [
      'broken JSON',
      { method: 'POST', url: '/v2/models/digits-full/infer', headers: { 'content-type': 'application/json' }, payload: '{' },
      400,
      'INVALID_JSON',
    ],
    [
      'a text body',
      { method: 'POST', url: '/v2/models/digits-full/infer', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an admin load without the token', { method: 'POST', url: '/v2/repository/models/digits-full/load' }, 401, 'UNAUTHORIZED'],
    [
      'an admin load of a model the manifest lacks',
      { method: 'POST', url: '/v2/repository/models/nope/load', headers: { authorization: `Bearer ${TOKEN}` } },
      404,
      'MODEL_NOT_FOUND',
    ],
    ['a repository index without the token', { method: 'POST', url: '/v2/repository/index' }, 401, 'UNAUTHORIZED'],
    [
      'a repository index with a ready that is not a boolean',
      { method: 'POST', url: '/v2/repository/index', headers: { authorization: `Bearer ${TOKEN}` }, payload: { ready: 1 } },
      400,
      'INVALID_REQUEST',
    ],
    [
      'an admin unload of a model not loaded',
      { method: 'POST', url: '/v2/repository/models/nope/unload', headers: { authorization: `Bearer ${TOKEN}` } },
      404,
      'MODEL_NOT_FOUND',
    ],
  ] as [string, InjectOptions, number, ErrorCode][])('%s', async (_what, request, status, code) => {
    const response = await server.app.inject(request);
    expect(response.statusCode).toBe(status);
    expect(conforms(ErrorBody, response.json()).code).toBe(code);
  });
});

describe('coverage', () => {
  it('has a contract case for every documented operation', async () => {
    const doc = (await server.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = new Set([
      ...CASES.map((c) => c.operation),
      'GET /metrics',
      'POST /v2/repository/index',
      'POST /v2/repository/models/{model}/load',
      'POST /v2/repository/models/{model}/unload',
      ...EVALUATION_OPERATIONS,
      ...DEPLOYMENT_OPERATIONS,
      ...RETRAIN_OPERATIONS,
      ...BATCH_OPERATIONS,
    ]);
    expect([...covered].sort()).toEqual(documented.sort());
  });
});
