/**
 * The operations dashboard's page: `/ops` and `/ops/` answer the build's
 * ops.html (its Brotli twin to a client that takes it), revalidated on each
 * use, with the app's content security policy; it is no API operation, so the
 * API document does not list it; a build without the page answers 404.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type Server } from '../app';
import { loadConfig } from '../config';
import { CONTENT_SECURITY_POLICY } from './response-headers';

const OPS_HTML = '<!doctype html><title>operations</title><div id="root"></div>';

function build(dir: string): Promise<Server> {
  return buildServer({ ...loadConfig({ LOG_LEVEL: 'silent', EVALUATION: 'off' }), staticDir: dir });
}

let server: Server;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pwa-ops-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'ops.html'), OPS_HTML);
  writeFileSync(join(dir, 'ops.html.br'), brotliCompressSync(OPS_HTML));
  server = await build(dir);
});
afterAll(() => server.app.close());

describe('GET /ops', () => {
  it.each(['/ops', '/ops/'])('%s answers the dashboard page, revalidated, with the app policy', async (url) => {
    const response = await server.app.inject({ url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toBe(OPS_HTML);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('sends the Brotli twin to a client that accepts it', async () => {
    const response = await server.app.inject({ url: '/ops', headers: { 'accept-encoding': 'br' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(OPS_HTML);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers HEAD too, and leaves the app at / as it was', async () => {
    expect((await server.app.inject({ method: 'HEAD', url: '/ops' })).statusCode).toBe(200);
    const app = await server.app.inject({ url: '/' });
    expect(app.body).toContain('<title>app</title>');
  });

  it('is not an operation of the API document', async () => {
    const doc = (await server.app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/ops'))).toEqual([]);
  });

  it('answers 404 NOT_FOUND when the build has no dashboard page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pwa-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    const bare = await build(dir);
    try {
      const response = await bare.app.inject({ url: '/ops' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await bare.app.close();
    }
  });
});
