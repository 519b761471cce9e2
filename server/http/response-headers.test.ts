/**
 * Every response carries nosniff, no-referrer and the isolation headers; the
 * app's pages a content security policy that forbids framing (the API
 * document keeps its own); a valid X-Request-Id comes back and is in the
 * request's log lines, anything else is replaced; per-request log lines are
 * off unless LOG_REQUESTS is on.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { spawnServer } from '../../test/server/spawn-server';
import { readyServer } from '../../test/server/test-server';
import { CONTENT_SECURITY_POLICY } from './response-headers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let server: Server;
beforeAll(async () => {
  server = await readyServer();
});
afterAll(() => server.app.close());

describe('response headers', () => {
  it.each(['/', '/v2/health/live', '/v2/models/nope', '/openapi.json'])(
    '%s carries nosniff, no-referrer, the isolation headers and the app policy',
    async (url) => {
      const response = await server.app.inject({ url });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    },
  );

  it('lets the app compile WebAssembly and start its workers, and nothing frame it', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives['worker-src']).toEqual(["'self'", 'blob:']);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
  });

  it('leaves the API document page its own policy', async () => {
    const page = await server.app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('request ids', () => {
  it('echoes a valid X-Request-Id', async () => {
    for (const id of ['trace-42', 'a1b2c3d4', 'req:7/upstream@edge=1']) {
      const response = await server.app.inject({ url: '/v2/health/live', headers: { 'x-request-id': id } });
      expect(response.headers['x-request-id']).toBe(id);
    }
  });

  it('replaces an invalid one, and makes one when there is none', async () => {
    for (const id of ['has space', 'x'.repeat(129), 'quote"d', '']) {
      const response = await server.app.inject({ url: '/v2/health/live', headers: { 'x-request-id': id } });
      expect(response.headers['x-request-id']).toMatch(UUID);
    }
    const ids = await Promise.all([1, 2, 3].map(() => server.app.inject({ url: '/v2/models/nope' }).then((r) => r.headers['x-request-id'])));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
  });
});

describe('request logs', () => {
  const logLines = async (env: Record<string, string>, requestId: string): Promise<Record<string, unknown>[]> => {
    const logs: string[] = [];
    const { base, child } = await spawnServer({ LOG_LEVEL: 'info', ...env }, { logs });
    const response = await fetch(`${base}/v2/models/nope`, { headers: { 'x-request-id': requestId } });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    child.kill('SIGTERM');
    await once(child, 'exit');
    return logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('writes no per-request lines at info by default', async () => {
    const lines = await logLines({}, 'quiet-1');
    expect(lines.some((l) => l['msg'] === 'models loaded and warm: ready')).toBe(true);
    expect(lines.filter((l) => l['reqId'] !== undefined)).toEqual([]);
  });

  it('with LOG_REQUESTS, logs the request with its id on every line of it', async () => {
    const lines = await logLines({ LOG_REQUESTS: 'on' }, 'traced-7');
    const ofRequest = lines.filter((l) => l['reqId'] === 'traced-7');
    expect(ofRequest.map((l) => l['msg'])).toEqual(['incoming request', 'request completed']);
    expect(lines.filter((l) => l['req'] !== undefined || l['res'] !== undefined).every((l) => typeof l['reqId'] === 'string')).toBe(true);
  });
});

describe('content type of the Open Inference Protocol', () => {
  it.each(['/v2', '/v2/health/live', '/v2/models/nope', '/v2/nope', '/v2/repository/index'])('%s answers exactly application/json', async (url) => {
    const response = await server.app.inject({ url, method: url.includes('repository') ? 'POST' : 'GET' });
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('leaves the other routes their charset', async () => {
    expect((await server.app.inject({ url: '/openapi.json' })).headers['content-type']).toBe('application/json; charset=utf-8');
  });
});
