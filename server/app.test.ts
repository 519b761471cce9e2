/**
 * The server as a whole: PWA hosting (isolation headers, WASM type,
 * precompressed twins, cache lifetimes), CORS off unless allowed, and settings
 * read from the environment.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app';
import { DECODED_LENGTH_HEADER } from '../src/core/api/headers';
import { staticDir } from '../test/server/test-server';
import { loadConfig } from './config';
import { batchingFor } from './serving/settings';

describe('static PWA hosting', () => {
  let app: FastifyInstance;
  // A compressible stand-in for onnxruntime's binary: the WASM magic, then repetitive bytes.
  const wasm = Buffer.concat([Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]), Buffer.alloc(64 * 1024, 'wasm')]);
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pwa-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'runtime.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'ort-abc123.wasm'), wasm);
    writeFileSync(join(dir, 'assets', 'ort-abc123.wasm.br'), brotliCompressSync(wasm));
    writeFileSync(join(dir, 'assets', 'ort-abc123.wasm.gz'), gzipSync(wasm));
    app = (await buildServer({ ...loadConfig({}), staticDir: dir, logLevel: 'silent' })).app;
  });
  afterAll(() => app.close());

  it('serves the page with the cross-origin isolation headers', async () => {
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(response.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('serves WebAssembly as application/wasm, isolated too', async () => {
    const response = await app.inject({ url: '/runtime.wasm?v=1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/wasm');
    expect(response.headers['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('sends the precompressed twin the client accepts, with the decoded size, as application/wasm', async () => {
    for (const encoding of ['br', 'gzip'] as const) {
      const response = await app.inject({ url: '/assets/ort-abc123.wasm', headers: { 'accept-encoding': encoding } });
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers['content-type']).toBe('application/wasm');
      expect(response.headers[DECODED_LENGTH_HEADER]).toBe(String(wasm.length));
      const decoded = encoding === 'br' ? brotliDecompressSync(response.rawPayload) : gunzipSync(response.rawPayload);
      expect(decoded.equals(wasm)).toBe(true);
      expect(Number(response.headers['content-length'])).toBeLessThan(wasm.length / 10);
    }
    const plain = await app.inject({ url: '/assets/ort-abc123.wasm', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(wasm)).toBe(true);
  });

  it('lets browsers keep hashed assets for good, and revalidate the rest', async () => {
    const hashed = await app.inject({ url: '/assets/ort-abc123.wasm' });
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const page = await app.inject({ url: '/' });
    expect(page.headers['cache-control']).toBe('public, max-age=0');
  });

  it('answers liveness, and 404 for a missing file, still isolated', async () => {
    expect((await app.inject({ url: '/v2/health/live' })).json()).toEqual({ live: true });
    const missing = await app.inject({ url: '/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cross-origin-opener-policy']).toBe('same-origin');
  });
});

describe('CORS', () => {
  const preflight = (app: FastifyInstance, origin: string) =>
    app.inject({ method: 'OPTIONS', url: '/v2/health/live', headers: { origin, 'access-control-request-method': 'GET' } });

  it('is off by default: no cross-origin grants', async () => {
    const { app } = await buildServer({ ...loadConfig({ LOG_LEVEL: 'silent' }), staticDir: staticDir() });
    const response = await app.inject({ url: '/v2/health/live', headers: { origin: 'https://elsewhere.example' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  it('grants only the origins on the allow-list', async () => {
    const { app } = await buildServer({ ...loadConfig({ LOG_LEVEL: 'silent', CORS_ORIGINS: 'https://a.example, https://b.example' }), staticDir: staticDir() });
    expect((await preflight(app, 'https://b.example')).headers['access-control-allow-origin']).toBe('https://b.example');
    expect((await preflight(app, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });
});

describe('settings', () => {
  it('defaults to port 8080 on localhost', () => {
    expect(loadConfig({})).toMatchObject({ port: 8080, host: 'localhost', staticDir: 'dist' });
  });

  it('names a bad variable and its value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: .*\(got "eighty"\)/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ MAX_BATCH_SIZE: '0' })).toThrow(/MAX_BATCH_SIZE/);
    expect(() => loadConfig({ BATCHING: 'maybe' })).toThrow(/BATCHING/);
    expect(() => loadConfig({ MODEL_BATCHING: '{oops' })).toThrow(/MODEL_BATCHING: must be JSON/);
    expect(() => loadConfig({ MODEL_BATCHING: '{"digits-full": {"maxBatchSize": -2}}' })).toThrow(/MODEL_BATCHING\.digits-full\.maxBatchSize/);
    expect(() => loadConfig({ CORS_ORIGINS: 'not a url' })).toThrow(/CORS_ORIGINS/);
  });

  it('never prints the admin token', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'short-secret' })).toThrow(/ADMIN_TOKEN: must be at least 16 characters \(got \(hidden\)\)/);
  });

  it('applies per-model batching over the global settings', () => {
    const config = loadConfig({ MAX_BATCH_SIZE: '32', MODEL_BATCHING: '{"digits-full": {"maxQueueDelayMs": 7}}' });
    expect(batchingFor(config, 'digits-full')).toMatchObject({ enabled: true, maxBatchSize: 32, maxQueueDelayMs: 7 });
    expect(batchingFor(config, 'digits-small')).toMatchObject({ maxBatchSize: 32, maxQueueDelayMs: 0 });
    expect(loadConfig({ BATCHING: 'off' }).batching.enabled).toBe(false);
  });

  it('serves the APIs without a built app, and answers the page with a coded 404', async () => {
    const { app } = await buildServer({ ...loadConfig({}), staticDir: '/nonexistent-dir', logLevel: 'silent' });
    expect((await app.inject({ url: '/v2/health/live' })).json()).toEqual({ live: true });
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(404);
    expect(page.json()).toEqual({ error: 'no route GET /', code: 'NOT_FOUND' });
    await app.close();
  });
});
