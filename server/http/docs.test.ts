/**
 * The API document at /openapi.json is valid OpenAPI 3 (checked by
 * @readme/openapi-parser, not by the plugin that wrote it), describes exactly
 * the routes the server registered (read from Fastify's own onRoute hook, so a
 * route added without documentation, or hidden by mistake, fails here; the
 * static app and the model pack's files are hidden), gives
 * every operation a JSON success schema and the shared Error schema for its
 * errors, agrees with KServe's published Open Inference Protocol REST
 * specification on paths, methods and schema fields, and has a Swagger UI page
 * at /docs whose scripts and stylesheets come from this server only.
 */
import {
  BATCH_OPERATIONS,
  DEPLOYMENT_OPERATIONS,
  EVALUATION_OPERATIONS,
  RETRAIN_OPERATIONS,
  SUCCESS_STATUS,
  TEXT_OPERATIONS,
} from '../../test/server/api-operations';
import { validate } from '@readme/openapi-parser';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CATALOG } from '../../src/core/api/errors';
import { readyServer } from '../../test/server/test-server';
import type { Server } from '../app';

// Every route the server registers, as Fastify's router sees it: the factory is
// wrapped so that an onRoute hook is in place before any plugin adds a route.
const registered = vi.hoisted(() => [] as RouteOptions[]);
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>();
  const factory = ((options?: Parameters<typeof actual.default>[0]) => {
    const app = actual.default(options);
    app.addHook('onRoute', (route) => {
      registered.push(route);
    });
    return app;
  }) as typeof actual.default;
  return { ...actual, default: factory, fastify: factory };
});

interface Operation {
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  parameters?: { in: string; name: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string; type?: string } }> }>;
}
interface SchemaObject {
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
  items?: { anyOf?: unknown[] };
}
interface ApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject> };
}

let server: Server;
let doc: ApiDocument;
beforeAll(async () => {
  server = await readyServer();
  const response = await server.app.inject({ url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  doc = response.json();
});
afterAll(() => server.app.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
const operation = (key: string): Operation => {
  const found = operations().find((o) => o.key === key);
  if (!found) throw new Error(`the document has no operation ${key}`);
  return found.op;
};
const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]);
const isHidden = (route: RouteOptions) => (route.schema as { hide?: boolean } | undefined)?.hide === true;

/** Every API operation, as a client writes its path. */
const DOCUMENTED = [
  'GET /v2/health/live',
  'GET /v2/health/ready',
  'GET /v2',
  'GET /v2/models/{model}',
  'GET /v2/models/{model}/versions/{version}',
  'GET /v2/models/{model}/ready',
  'GET /v2/models/{model}/versions/{version}/ready',
  'POST /v2/models/{model}/infer',
  'POST /v2/models/{model}/versions/{version}/infer',
  'POST /v1/models/{model}:predict',
  'POST /v1/models/{model}/versions/{version}:predict',
  'POST /v2/repository/index',
  'POST /v2/repository/models/{model}/load',
  'POST /v2/repository/models/{model}/unload',
  ...EVALUATION_OPERATIONS,
  ...DEPLOYMENT_OPERATIONS,
  ...RETRAIN_OPERATIONS,
  ...BATCH_OPERATIONS,
  'GET /metrics',
];

/** The model pack's files (server/routes/model-pack.ts): hidden, like the static app's. */
const MODEL_PACK_FILES = ['/models/manifest.json', '/models/registry.json', '/models/precache.js', '/models/:name/:version/:file'];

/** Operations without path parameters or a body, whose only answers are their documented successes (readiness: 200 or 503). */
const NO_ERROR_ANSWERS = ['GET /v2/health/live', 'GET /v2/health/ready', 'GET /v2', 'GET /metrics', 'GET /v1/app-config'];

describe('the API document', () => {
  it('is valid OpenAPI 3', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    const result = await validate(structuredClone(doc) as unknown as Parameters<typeof validate>[0]);
    if (!result.valid) console.error(JSON.stringify(result.errors, null, 2));
    expect(result.valid).toBe(true);
  });

  it('lists exactly the API operations', () => {
    expect(
      operations()
        .map((o) => o.key)
        .sort(),
    ).toEqual([...DOCUMENTED].sort());
  });

  it('documents every route Fastify registered, and only the document, the docs page, the static app, the model pack files and /v2/ are hidden', () => {
    const visible = registered.filter((r) => !isHidden(r));
    const heads = visible.filter((r) => methodsOf(r).includes('HEAD'));
    // HEAD twins Fastify adds for GET routes are not operations of their own.
    for (const head of heads)
      expect(
        visible.some((r) => methodsOf(r).includes('GET') && r.url === head.url),
        `HEAD ${head.url}`,
      ).toBe(true);
    const asDocumented = visible
      .filter((r) => !methodsOf(r).includes('HEAD'))
      .flatMap((r) => {
        // The `:predict` routes are routed as "/v1/models/:target" and documented by their alias ("::" is an escaped ":").
        const alias = (r.config as { openapi?: { url: string } } | undefined)?.openapi?.url;
        const path = alias ? alias.replace('::', ':') : r.url.replace(/:(\w+)/g, '{$1}');
        return methodsOf(r).map((m) => `${m} ${path}`);
      });
    expect(asDocumented.sort()).toEqual([...DOCUMENTED].sort());
    // Each documented operation is found by Fastify's router under its registered URL.
    for (const route of visible)
      for (const method of methodsOf(route)) expect(server.app.hasRoute({ method, url: route.url }), `${method} ${route.url}`).toBe(true);

    const hidden = [...new Set(registered.filter(isHidden).map((r) => r.url))];
    // "/v2/" is KServe's spelling of /v2, answered the same and documented once. The model pack's routes are files, not operations.
    expect(
      hidden.filter((url) => url !== '/openapi.json' && url !== '/*' && url !== '/v2/' && !url.startsWith('/docs') && !MODEL_PACK_FILES.includes(url)),
    ).toEqual([]);
    expect(hidden).toEqual(expect.arrayContaining(['/openapi.json', '/docs', '/*', ...MODEL_PACK_FILES]));
    expect(Object.keys(doc.paths).filter((p) => p === '/openapi.json' || p.startsWith('/docs') || p.includes('*'))).toEqual([]);
  });

  it('gives every operation a success schema, and the shared Error schema for 4XX and 5XX', () => {
    const errorRef = { $ref: '#/components/schemas/Error' };
    for (const { key, op } of operations()) {
      const ok = SUCCESS_STATUS[key] ?? '200';
      const expectedStatuses = key === 'GET /v2/health/ready' ? ['200', '503'] : NO_ERROR_ANSWERS.includes(key) ? [ok] : [ok, '4XX', '5XX'];
      expect(Object.keys(op.responses).sort(), key).toEqual(expectedStatuses);
      const success = op.responses[ok]?.content;
      const text = TEXT_OPERATIONS[key];
      if (text) {
        // Prometheus text, JSON lines: not one JSON document.
        expect(Object.keys(success ?? {}), key).toEqual([text]);
        expect(success?.[text]?.schema, key).toMatchObject({ type: 'string' });
        continue;
      }
      expect(Object.keys(success ?? {}), key).toEqual(['application/json']);
      const ref = success?.['application/json']?.schema?.$ref ?? '';
      expect(ref, key).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(doc.components.schemas[ref.split('/').at(-1) ?? ''], `${key}: ${ref}`).toBeDefined();
      if (expectedStatuses.includes('4XX')) {
        expect(op.responses['4XX']?.content, key).toEqual({ 'application/json': { schema: errorRef } });
        expect(op.responses['5XX']?.content, key).toEqual({ 'application/json': { schema: errorRef } });
      }
    }
    expect(operation('GET /v2/health/ready').responses['503']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/server_ready_response' } },
    });
  });

  it('has an Error schema whose codes are the error catalog', () => {
    const error = doc.components.schemas['Error'] as SchemaObject & { properties: { code: { enum: string[] }; error: { type: string } } };
    expect([...(error.required ?? [])].sort()).toEqual(['code', 'error']);
    expect(error.properties.error.type).toBe('string');
    expect(error.properties.code.enum).toEqual(Object.keys(ERROR_CATALOG));
  });

  it('documents the `:predict` routes with the model and version as path parameters', () => {
    const params = (key: string) =>
      operation(key)
        .parameters?.filter((p) => p.in === 'path')
        .map((p) => [p.name, p.required]);
    expect(params('POST /v1/models/{model}:predict')).toEqual([['model', true]]);
    expect(params('POST /v1/models/{model}/versions/{version}:predict')?.sort()).toEqual([
      ['model', true],
      ['version', true],
    ]);
    expect(operation('POST /v1/models/{model}:predict').requestBody?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/PredictRequest',
    });
  });
});

/**
 * Facts from KServe's Open Inference Protocol REST specification,
 * kserve/open-inference-protocol, specification/protocol/open_inference_rest.yaml
 * (OpenAPI 3.0.0, "Data Plane" 2.0), written out by hand: its `${MODEL_NAME}`
 * and `${MODEL_VERSION}` are `{model}` and `{version}` here.
 */
const KSERVE_PATHS: readonly (readonly [method: string, path: string])[] = [
  ['GET', '/v2/health/live'],
  ['GET', '/v2/health/ready'],
  ['GET', '/v2/models/{model}/versions/{version}/ready'],
  // The yaml writes "/v2/"; the prose specification (inference_rest.md) writes "v2", as this server serves it.
  ['GET', '/v2/'],
  ['GET', '/v2/models/{model}/versions/{version}'],
  ['POST', '/v2/models/{model}/versions/{version}/infer'],
];

/** Each KServe schema: the properties it lists and the ones it requires. */
const KSERVE_SCHEMAS: Readonly<Record<string, { readonly properties: readonly string[]; readonly required: readonly string[] }>> = {
  metadata_server_response: { properties: ['name', 'version', 'extensions'], required: ['name', 'version', 'extensions'] },
  metadata_model_response: { properties: ['name', 'versions', 'platform', 'inputs', 'outputs', 'properties'], required: ['name', 'platform'] },
  metadata_tensor: { properties: ['name', 'datatype', 'shape'], required: ['name', 'datatype', 'shape'] },
  inference_request: { properties: ['id', 'parameters', 'inputs', 'outputs'], required: ['inputs'] },
  request_input: { properties: ['name', 'shape', 'datatype', 'parameters', 'data'], required: ['name', 'shape', 'datatype', 'data'] },
  request_output: { properties: ['name', 'parameters'], required: ['name'] },
  inference_response: { properties: ['model_name', 'model_version', 'id', 'parameters', 'outputs'], required: ['model_name', 'outputs'] },
  response_output: { properties: ['name', 'shape', 'datatype', 'parameters', 'data'], required: ['name', 'shape', 'datatype', 'data'] },
};

describe('the Open Inference Protocol part, against KServe’s specification', () => {
  it.each(KSERVE_PATHS)('has %s %s', (method, path) => {
    const ours = path === '/v2/' ? '/v2' : path;
    expect(doc.paths[ours]?.[method.toLowerCase()], `${method} ${ours}`).toBeDefined();
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const declared = (doc.paths[ours]?.[method.toLowerCase()]?.parameters ?? []).filter((p) => p.in === 'path');
    expect(declared.map((p) => p.name).sort()).toEqual(pathParams.sort());
    expect(declared.every((p) => p.required === true)).toBe(true);
  });

  it.each(Object.entries(KSERVE_SCHEMAS))('has a %s schema with every field KServe lists and requires', (name, kserve) => {
    const ours = doc.components.schemas[name];
    expect(ours, name).toBeDefined();
    expect(ours?.type).toBe('object');
    expect(ours?.required ?? []).toEqual(expect.arrayContaining([...kserve.required]));
    expect(Object.keys(ours?.properties ?? {})).toEqual(expect.arrayContaining([...kserve.properties]));
  });

  it('has tensor_data as an array of numbers, strings, booleans or nested tensor_data', () => {
    const tensorData = doc.components.schemas['tensor_data'];
    expect(tensorData?.type).toBe('array');
    const alternatives = JSON.stringify(tensorData?.items?.anyOf);
    for (const type of ['number', 'string', 'boolean']) expect(alternatives).toContain(`{"type":"${type}"}`);
    expect(alternatives).toContain('"$ref":"#/components/schemas/tensor_data"');
  });

  it.each(['POST /v2/models/{model}/infer', 'POST /v2/models/{model}/versions/{version}/infer'])(
    'has %s take an inference_request and answer an inference_response',
    (key) => {
      const op = operation(key);
      expect(op.requestBody?.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/inference_request' } } });
      expect(op.responses['200']?.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/inference_response' } } });
    },
  );

  it('answers the metadata operations with the KServe schemas', () => {
    const answer = (key: string) => operation(key).responses['200']?.content?.['application/json']?.schema?.$ref;
    expect(answer('GET /v2')).toBe('#/components/schemas/metadata_server_response');
    expect(answer('GET /v2/models/{model}')).toBe('#/components/schemas/metadata_model_response');
    expect(answer('GET /v2/models/{model}/versions/{version}')).toBe('#/components/schemas/metadata_model_response');
  });
});

describe('the docs page', () => {
  it('serves Swagger UI from this origin only', async () => {
    let response = await server.app.inject({ url: '/docs' });
    for (let hops = 0; response.statusCode >= 300 && response.statusCode < 400 && hops < 5; hops++) {
      response = await server.app.inject({ url: new URL(String(response.headers.location), 'http://localhost/docs').pathname });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const html = response.body;
    expect(html).toContain('<title>Swagger UI</title>');
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? '');
    const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    expect(styles.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of [...scripts, ...styles]) {
      expect(asset).toMatch(/^\/docs\//);
      const fetched = await server.app.inject({ url: asset });
      expect(fetched.statusCode, asset).toBe(200);
    }
  });

  it('serves the same document to Swagger UI as at /openapi.json', async () => {
    const response = await server.app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(doc);
  });
});
