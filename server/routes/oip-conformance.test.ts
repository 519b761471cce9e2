/**
 * Every Open Inference Protocol answer, success and error, checked against
 * the response schemas of KServe's specification (open_inference_rest.yaml
 * and inference_rest.md), written here as zod schemas, and against Triton's
 * binary tensor data extension for binary answers. The specification allows
 * extra fields; these schemas refuse any but the ones this server documents
 * (`code` on errors, `version` on model readiness), so a stray field fails.
 * Every JSON answer's content type is exactly application/json.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MetadataTensor, ServerLive, ServerMetadata, ServerReady } from '../../src/core/api/oip';
import { argmax } from '../../src/core/math/probabilities';
import { drawnPixels, packModel } from '../../test/drawn-digits';
import { coldServer, readyServer } from '../../test/server/test-server';
import type { Server } from '../app';

/** `parameters`: the specification says only "object". */
const parameters = z.record(z.string(), z.unknown());

type TensorData = (number | string | boolean | TensorData)[];
const tensorData: z.ZodType<TensorData> = z.array(z.union([z.number(), z.string(), z.boolean(), z.lazy(() => tensorData)]));

/** metadata_model_response: name and platform required; the tensors are this project's MetadataTensor, which is the specification's. */
const metadataModelResponse = z.strictObject({
  name: z.string(),
  versions: z.array(z.string()).optional(),
  platform: z.string(),
  inputs: z.array(MetadataTensor.strict()).optional(),
  outputs: z.array(MetadataTensor.strict()).optional(),
  properties: z.record(z.string(), z.string()).optional(),
});

/** $ready_model_response of the prose specification, plus the version this server adds. */
const readyModelResponse = z.strictObject({ name: z.string(), ready: z.boolean(), version: z.string().optional() });

const responseOutput = z.strictObject({
  name: z.string(),
  shape: z.array(z.int()),
  datatype: z.string(),
  parameters: parameters.optional(),
  data: tensorData,
});
const inferenceResponse = z.strictObject({
  model_name: z.string(),
  model_version: z.string().optional(),
  id: z.string().optional(),
  parameters: parameters.optional(),
  outputs: z.array(responseOutput),
});

/** The binary extension's header: an output's data follows the JSON, its size in `parameters.binary_data_size`. */
const binaryInferenceResponse = inferenceResponse.extend({
  outputs: z.array(responseOutput.omit({ data: true }).extend({ parameters: z.looseObject({ binary_data_size: z.int().nonnegative() }) })),
});

/** metadata_server_error_response, metadata_model_error_response, inference_error_response: `error`, plus this server's `code`. */
const errorResponse = z.strictObject({ error: z.string(), code: z.string() });

let server: Server;
beforeAll(async () => {
  server = await readyServer({ BODY_LIMIT_BYTES: String(64 * 1024) });
});
afterAll(() => server.app.close());

const pixels = drawnPixels(4);
/** The full model's labels, as the pack's manifest gives them: one FP32 logit each per row. */
const LABELS = packModel('digits-full').labels;
const LOGIT_BYTES = 4 * LABELS.length;
/** The little-endian FP32 values of a binary answer's tail. */
const floats = (tail: Buffer) => Array.from({ length: tail.length / 4 }, (_, i) => tail.readFloatLE(i * 4));
const tensor = (overrides: object = {}) => ({ name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', data: pixels, ...overrides });
const post = (url: string, payload: object): InjectOptions => ({ method: 'POST', url, payload });
const binaryBody = (json: object, bytes: number) => {
  const header = Buffer.from(JSON.stringify(json));
  const tail = Buffer.alloc(bytes);
  Float32Array.from(pixels).forEach((v, i) => i * 4 < bytes && tail.writeFloatLE(v, i * 4));
  return { header, body: Buffer.concat([header, tail]) };
};
const binaryInfer = (url: string, json: object, bytes = 3136, headers: Record<string, string> = {}): InjectOptions => {
  const { header, body } = binaryBody(json, bytes);
  return { method: 'POST', url, payload: body, headers: { 'inference-header-content-length': String(header.length), ...headers } };
};
const binaryInput = (size = 3136) => ({ name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', parameters: { binary_data_size: size } });

/** A JSON answer: exactly application/json, and parsed strictly. */
function conformsJson(response: LightMyRequestResponse, schema: z.ZodType): unknown {
  expect(response.headers['content-type']).toBe('application/json');
  const body: unknown = response.json();
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? [], response.body.slice(0, 300)).toEqual([]);
  return body;
}

interface Case {
  readonly route: string;
  readonly what: string;
  readonly request: InjectOptions;
  readonly status: number;
  readonly schema: z.ZodType;
  /** What the error must say. */
  readonly message?: RegExp;
}

const SUCCESSES: readonly Case[] = [
  { route: 'GET /v2/health/live', what: 'live', request: { url: '/v2/health/live' }, status: 200, schema: ServerLive.strict() },
  { route: 'GET /v2/health/ready', what: 'ready', request: { url: '/v2/health/ready' }, status: 200, schema: ServerReady.strict() },
  { route: 'GET /v2', what: 'server metadata', request: { url: '/v2' }, status: 200, schema: ServerMetadata.strict() },
  { route: 'GET /v2/', what: "server metadata at KServe's path", request: { url: '/v2/' }, status: 200, schema: ServerMetadata.strict() },
  { route: 'GET /v2/models/:model', what: 'model metadata', request: { url: '/v2/models/digits-full' }, status: 200, schema: metadataModelResponse },
  {
    route: 'GET /v2/models/:model/versions/:version',
    what: 'model version metadata',
    request: { url: '/v2/models/digits-small/versions/1' },
    status: 200,
    schema: metadataModelResponse,
  },
  { route: 'GET /v2/models/:model/ready', what: 'model ready', request: { url: '/v2/models/digits-full/ready' }, status: 200, schema: readyModelResponse },
  {
    route: 'GET /v2/models/:model/versions/:version/ready',
    what: 'model version ready',
    request: { url: '/v2/models/digits-small/versions/1/ready' },
    status: 200,
    schema: readyModelResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'infer, JSON',
    request: post('/v2/models/digits-full/infer', { id: 'c1', inputs: [tensor()], outputs: [{ name: 'logits' }] }),
    status: 200,
    schema: inferenceResponse,
  },
  {
    route: 'POST /v2/models/:model/versions/:version/infer',
    what: 'infer a version, JSON',
    request: post('/v2/models/digits-small/versions/1/infer', { inputs: [tensor()] }),
    status: 200,
    schema: inferenceResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'infer, binary input, JSON output',
    request: binaryInfer('/v2/models/digits-full/infer', { inputs: [binaryInput()] }),
    status: 200,
    schema: inferenceResponse,
  },
];

const ERRORS: readonly Case[] = [
  { route: 'GET /v2/models/:model', what: 'unknown model', request: { url: '/v2/models/nope' }, status: 404, schema: errorResponse },
  {
    route: 'GET /v2/models/:model/versions/:version',
    what: 'unknown version',
    request: { url: '/v2/models/digits-full/versions/9' },
    status: 404,
    schema: errorResponse,
  },
  { route: 'GET /v2/models/:model/ready', what: 'unknown model', request: { url: '/v2/models/nope/ready' }, status: 404, schema: errorResponse },
  {
    route: 'GET /v2/models/:model/versions/:version/ready',
    what: 'unknown version',
    request: { url: '/v2/models/digits-small/versions/9/ready' },
    status: 404,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'unknown model',
    request: post('/v2/models/nope/infer', { inputs: [tensor()] }),
    status: 404,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/versions/:version/infer',
    what: 'unknown version',
    request: post('/v2/models/digits-full/versions/9/infer', { inputs: [tensor()] }),
    status: 404,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'a wrong datatype',
    request: post('/v2/models/digits-full/infer', { inputs: [tensor({ datatype: 'INT8' })] }),
    status: 400,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'too many rows',
    request: post('/v2/models/digits-full/infer', { inputs: [tensor({ shape: [1000, 1, 28, 28], data: [] })] }),
    status: 400,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'broken JSON',
    request: { method: 'POST', url: '/v2/models/digits-full/infer', headers: { 'content-type': 'application/json' }, payload: '{' },
    status: 400,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'broken JSON without a Content-Type',
    request: { method: 'POST', url: '/v2/models/digits-full/infer', payload: Buffer.from('{"inputs":') },
    status: 400,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'a text body',
    request: { method: 'POST', url: '/v2/models/digits-full/infer', headers: { 'content-type': 'text/plain' }, payload: 'x' },
    status: 415,
    schema: errorResponse,
    message: /unsupported content type text\/plain/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'a body over the limit',
    request: post('/v2/models/digits-full/infer', { inputs: [tensor({ data: Array.from({ length: 20_000 }, () => 0.5) })] }),
    status: 413,
    schema: errorResponse,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'binary data shorter than binary_data_size',
    request: binaryInfer('/v2/models/digits-full/infer', { inputs: [binaryInput()] }, 3132),
    status: 400,
    schema: errorResponse,
    message: /input "pixels" declares 3136 bytes of binary data, but 3132 follow/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'a binary_data_size the shape does not take',
    request: binaryInfer('/v2/models/digits-full/infer', { inputs: [binaryInput(100)] }, 100),
    status: 400,
    schema: errorResponse,
    message: /binary_data_size of input "pixels" is 100; its shape needs 3136 bytes/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'both data and binary_data_size',
    request: binaryInfer('/v2/models/digits-full/infer', { inputs: [{ ...binaryInput(), data: pixels }] }),
    status: 400,
    schema: errorResponse,
    message: /input "pixels" has both "data" and parameters.binary_data_size/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'binary data no input claims',
    request: binaryInfer('/v2/models/digits-full/infer', { inputs: [tensor()] }),
    status: 400,
    schema: errorResponse,
    message: /3136 bytes of binary data follow the JSON header, but no input has parameters.binary_data_size/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'a binary_data that is not a boolean',
    request: post('/v2/models/digits-full/infer', { inputs: [tensor()], outputs: [{ name: 'logits', parameters: { binary_data: 'yes' } }] }),
    status: 400,
    schema: errorResponse,
    message: /outputs\[0\]\.parameters\.binary_data must be true or false, got "yes"/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'a NaN in binary data',
    request: (() => {
      const request = binaryInfer('/v2/models/digits-full/infer', { inputs: [binaryInput()] });
      const body = request.payload as Buffer;
      body.writeFloatLE(Number.NaN, body.length - 4);
      return request;
    })(),
    status: 400,
    schema: errorResponse,
    message: /input "pixels" binary element 783 is not a finite FP32 number/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'an Inference-Header-Content-Length past the body',
    request: binaryInfer('/v2/models/digits-full/infer', { inputs: [binaryInput()] }, 3136, { 'inference-header-content-length': '99999' }),
    status: 400,
    schema: errorResponse,
    message: /Inference-Header-Content-Length is "99999"/,
  },
  {
    route: 'POST /v2/models/:model/infer',
    what: 'an octet-stream body without Inference-Header-Content-Length',
    request: { method: 'POST', url: '/v2/models/digits-full/infer', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(8) },
    status: 400,
    schema: errorResponse,
    message: /needs Inference-Header-Content-Length/,
  },
];

describe('Open Inference Protocol answers conform to the specification', () => {
  it.each(SUCCESSES.map((c) => [`${c.route}: ${c.what}`, c] as const))('%s', async (_name, c) => {
    const response = await server.app.inject(c.request);
    expect(response.statusCode, response.body.slice(0, 300)).toBe(c.status);
    conformsJson(response, c.schema);
  });

  it.each(ERRORS.map((c) => [`${c.route}: ${c.what}`, c] as const))('%s answers an error object', async (_name, c) => {
    const response = await server.app.inject(c.request);
    expect(response.statusCode, response.body.slice(0, 300)).toBe(c.status);
    const body = conformsJson(response, c.schema) as { error: string };
    if (c.message) expect(body.error).toMatch(c.message);
  });

  it.each([
    ['the request asks binary_data_output', { inputs: [tensor()], parameters: { binary_data_output: true } }],
    ['the output asks binary_data', { id: 'b', inputs: [tensor()], outputs: [{ name: 'logits', parameters: { binary_data: true } }] }],
  ])('answers binary data when %s, with a conforming header', async (_what, payload) => {
    const response = await server.app.inject(post('/v2/models/digits-full/infer', payload));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    const length = Number(response.headers['inference-header-content-length']);
    const raw = response.rawPayload;
    const header = binaryInferenceResponse.parse(JSON.parse(raw.subarray(0, length).toString('utf8')));
    expect(header.outputs[0]).toMatchObject({ name: 'logits', shape: [1, LABELS.length] });
    expect(header.outputs[0]?.parameters.binary_data_size).toBe(LOGIT_BYTES);
    expect(raw.length).toBe(length + LOGIT_BYTES);
    expect(LABELS[argmax(floats(raw.subarray(length)))]).toBe('4');
  });

  it("answers Triton's raw binary request (Inference-Header-Content-Length: 0) with binary outputs", async () => {
    const raw = Buffer.alloc(3136);
    pixels.forEach((v, i) => raw.writeFloatLE(v, i * 4));
    const response = await server.app.inject({
      method: 'POST',
      url: '/v2/models/digits-full/infer',
      payload: raw,
      headers: { 'inference-header-content-length': '0' },
    });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const length = Number(response.headers['inference-header-content-length']);
    const header = binaryInferenceResponse.parse(JSON.parse(response.rawPayload.subarray(0, length).toString('utf8')));
    expect(header.outputs[0]).toMatchObject({ name: 'logits', shape: [1, LABELS.length], parameters: { binary_data_size: LOGIT_BYTES } });
    expect(response.rawPayload.length).toBe(length + LOGIT_BYTES);
    expect(LABELS[argmax(floats(response.rawPayload.subarray(length)))]).toBe('4');
  });

  it('answers readiness 503 with the same object while the models load', async () => {
    const cold = await coldServer();
    const response = await cold.app.inject({ url: '/v2/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(conformsJson(response, ServerReady.strict())).toEqual({ ready: false });
    await cold.app.close();
  });

  it('covers every OIP operation of the API document, and /v2/, with a success and, where one can happen, an error', async () => {
    const doc = (await server.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.tags?.includes('Open Inference Protocol'))
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(SUCCESSES.map((c) => c.route));
    expect([...covered].sort()).toEqual([...documented, 'GET /v2/'].sort());
    const withErrors = new Set(ERRORS.map((c) => c.route));
    for (const route of covered) if (route.includes(':')) expect(withErrors.has(route), route).toBe(true);
  });
});
