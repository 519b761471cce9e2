/**
 * Every error answer, whoever raises it, is `{"error": "<message>", "code":
 * "<CODE>"}` with the status the error catalog gives that code: Fastify's own
 * refusals (unknown routes and methods, overlong path parameters, bodies too
 * large, of the wrong type, broken or empty JSON, params that fail their
 * schema), unexpected exceptions (500 INTERNAL, without their message), the
 * requests Node's HTTP parser refuses on a real socket (malformed, headers too
 * large), after which the server still answers; and every ServiceError code of
 * the catalog thrown from a route, with Retry-After on 429s and
 * WWW-Authenticate on 401.
 */
import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ServiceError, type ErrorCode } from '../../src/core/api/errors';
import { coldServer } from '../../test/server/test-server';
import { buildServer, type Server } from '../app';
import { loadConfig } from '../config';

const BODY_LIMIT = 1024;
const CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

let server: Server;
let base: { host: string; port: number };
beforeAll(async () => {
  // Models are not needed: every error here is raised before or instead of inference.
  server = await coldServer({ BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  // Test routes, added before the first request (Fastify takes no routes after ready).
  server.app.get('/boom', async () => {
    throw new Error('secret detail of a bug');
  });
  server.app.get<{ Params: { code: string }; Querystring: { retry?: string } }>('/throw/:code', async (request) => {
    const retry = request.query.retry === undefined ? undefined : Number(request.query.retry);
    throw new ServiceError(request.params.code as ErrorCode, `thrown ${request.params.code}`, retry);
  });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  base = { host: address.address, port: address.port };
});
afterAll(() => server.app.close());

const inject = (options: InjectOptions) => server.app.inject(options);

/** The answer's status and body, checked to be exactly {error, code} with the catalog's status for the code. */
function expectError(
  response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  code: ErrorCode,
): { error: string; code: string } {
  const body = response.json() as { error: string; code: string };
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(body).sort()).toEqual(['code', 'error']);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(0);
  expect([response.statusCode, body.code]).toEqual([ERROR_CATALOG[code].status, code]);
  return body;
}

describe("Fastify's own errors, in the catalog's shape", () => {
  it.each([
    ['a file path the static files refuse', { url: '//index.html' }, ['FORBIDDEN']],
    ['a file path with a NUL byte', { url: '/index.html%00' }, ['FORBIDDEN']],
    ['a byte range beyond the file', { url: '/index.html', headers: { range: 'bytes=99999-' } }, ['RANGE_NOT_SATISFIABLE']],
    ['a precondition that fails', { url: '/index.html', headers: { 'if-match': '"not-this-one"' } }, ['PRECONDITION_FAILED']],
  ] as const)('answers %s with its own status and code, not a generic one', async (_what, options, codes) => {
    const response = await inject(options);
    const body = response.json() as { code: ErrorCode };
    expect(codes).toContain(body.code);
    expectError(response, body.code);
  });

  it('answers an unknown route 404 NOT_FOUND', async () => {
    const body = expectError(await inject({ url: '/nope?x=1' }), 'NOT_FOUND');
    expect(body.error).toBe('no route GET /nope');
  });

  it('answers an unknown method on a known path 404 NOT_FOUND', async () => {
    const body = expectError(await inject({ method: 'DELETE', url: '/v2/health/live' }), 'NOT_FOUND');
    expect(body.error).toBe('no route DELETE /v2/health/live');
  });

  it.each([
    ['POST', '/v2/models/{long}/infer'],
    ['POST', '/v2/models/digits-full/versions/{long}/infer'],
    ['POST', '/v1/models/{long}:predict'],
    ['POST', '/v2/repository/models/{long}/load'],
  ] as const)('answers %s %s with a parameter over 100 characters 414 URL_TOO_LONG', async (method, url) => {
    const response = await inject({ method, url: url.replace('{long}', 'm'.repeat(101)), payload: {} });
    expect(expectError(response, 'URL_TOO_LONG').error).toBe('a path parameter of the URL is too long (model names and versions are short)');
  });

  it('answers GET routes with an overlong parameter 414 URL_TOO_LONG when the app is served too', async () => {
    for (const url of [`/v2/models/${'m'.repeat(101)}`, `/v2/models/${'m'.repeat(101)}/ready`, `/v2/models/digits-full/versions/${'9'.repeat(101)}`]) {
      expectError(await inject({ url }), 'URL_TOO_LONG');
    }
  });

  it('answers GET routes with an overlong parameter 414 URL_TOO_LONG when no app is built', async () => {
    const { app } = await buildServer({ ...loadConfig({ LOG_LEVEL: 'silent' }), staticDir: '/nonexistent-build' });
    for (const url of [`/v2/models/${'m'.repeat(101)}`, `/v2/models/${'m'.repeat(101)}/ready`, `/v2/models/digits-full/versions/${'9'.repeat(101)}`]) {
      expectError(await app.inject({ url }), 'URL_TOO_LONG');
    }
    await app.close();
  });

  it('accepts a parameter of exactly 100 characters (and finds no such model)', async () => {
    const response = await inject({ method: 'POST', url: `/v2/models/${'m'.repeat(100)}/infer`, payload: {} });
    expectError(response, 'MODEL_NOT_FOUND');
  });

  it('answers a body over the limit 413 BODY_TOO_LARGE', async () => {
    const payload = JSON.stringify({ inputs: [], padding: 'x'.repeat(BODY_LIMIT) });
    const response = await inject({ method: 'POST', url: '/v2/models/digits-full/infer', headers: { 'content-type': 'application/json' }, payload });
    expect(expectError(response, 'BODY_TOO_LARGE').error).toMatch(/BODY_LIMIT_BYTES/);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'])('answers a %s body 415 UNSUPPORTED_MEDIA_TYPE', async (type) => {
    const response = await inject({ method: 'POST', url: '/v1/models/digits-full:predict', headers: { 'content-type': type }, payload: 'instances' });
    expect(expectError(response, 'UNSUPPORTED_MEDIA_TYPE').error).toBe(`unsupported content type ${type}; send application/json`);
  });

  it.each([
    ['broken JSON', '{"instances": [', /^body is not valid JSON/],
    ['an empty JSON body', '', /^request body is empty; send a JSON object$/],
  ])('answers %s 400 INVALID_JSON', async (_what, payload, message) => {
    for (const url of ['/v2/models/digits-full/infer', '/v1/models/digits-full:predict']) {
      const response = await inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
      expect(expectError(response, 'INVALID_JSON').error).toMatch(message);
    }
  });

  it('answers params that fail their schema 400 INVALID_REQUEST, naming the parameter', async () => {
    for (const url of ['/v2/models//ready', '/v2/models/digits-full/versions//ready']) {
      expect(expectError(await inject({ url }), 'INVALID_REQUEST').error).toMatch(/^invalid request: params\/(model|version) /);
    }
  });

  it('answers a URL that is not valid percent-encoding 400 INVALID_REQUEST', async () => {
    expect(expectError(await inject({ url: '/v2/models/%E0%A4%A' }), 'INVALID_REQUEST').error).toMatch(/^the URL is not valid/);
  });

  it('answers an unexpected exception 500 INTERNAL, without its message', async () => {
    const response = await inject({ url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'internal server error', code: 'INTERNAL' });
  });
});

/** Sends raw bytes on a new connection and returns everything the server wrote before closing it. */
function rawExchange(bytes: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(base.port, base.host);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.end(bytes);
  });
}

describe("requests Node's HTTP parser refuses, on a real socket", () => {
  it('answers a malformed request line 400 INVALID_REQUEST as JSON', async () => {
    const answer = await rawExchange('THIS IS NOT HTTP\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
    expect(JSON.parse(answer.body)).toEqual({ error: 'malformed HTTP request', code: 'INVALID_REQUEST' });
  });

  it('answers headers larger than Node reads 431 HEADERS_TOO_LARGE as JSON', async () => {
    const answer = await rawExchange(`GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    expect(answer.status).toBe(ERROR_CATALOG.HEADERS_TOO_LARGE.status);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({ error: 'the request line or headers are too large', code: 'HEADERS_TOO_LARGE' });
  });

  it('still answers afterwards', async () => {
    await rawExchange('\x00\x01garbage\r\n\r\n');
    const response = await fetch(`http://${base.host}:${base.port}/v2/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ live: true });
  });
});

describe('every ServiceError code', () => {
  it.each(CODES)('%s comes back with its catalog status and {error, code}', async (code) => {
    const response = await inject({ url: `/throw/${code}` });
    expect(response.statusCode).toBe(ERROR_CATALOG[code].status);
    expect(response.json()).toEqual({ error: `thrown ${code}`, code });
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.headers['www-authenticate']).toBe(code === 'UNAUTHORIZED' ? 'Bearer' : undefined);
  });

  it.each(CODES.filter((c) => ERROR_CATALOG[c].status === 429))('%s carries Retry-After when it says when to come back', async (code) => {
    const response = await inject({ url: `/throw/${code}?retry=3` });
    expect([response.statusCode, response.json().code, response.headers['retry-after']]).toEqual([429, code, '3']);
  });
});
