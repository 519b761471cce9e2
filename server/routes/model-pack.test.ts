/**
 * The model pack as the server serves it from the registry and the
 * deployments: the manifest lists each model's champion alone and follows a
 * deployment change (registry.json lists every version); precache.js names that manifest and the edge champion's
 * file with their revisions, and its bytes change with the champion; files
 * are the registry's, cached for a year and encoded for clients that take
 * it; paths outside the registry are refused with FORBIDDEN; the pack wins
 * over the build's copy of public/models and is no API operation.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECODED_LENGTH_HEADER } from '../../src/core/api/headers';
import { parseManifest } from '../../src/core/manifest';
import { packWithSecondEdgeVersion, SECOND_VERSION_THRESHOLD, type SecondVersionPack } from '../../test/server/second-edge-version';
import { coldServer, readyServer } from '../../test/server/test-server';
import { buildServer, type Server } from '../app';
import { loadConfig } from '../config';

const TOKEN = 'model-pack-admin-token-0123';
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const integrity = (hex: string) => `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;

let pack: SecondVersionPack;
let server: Server;
beforeAll(async () => {
  pack = packWithSecondEdgeVersion();
  server = await readyServer({ MODEL_REPOSITORY: pack.dir, ADMIN_TOKEN: TOKEN });
});
afterAll(() => server.app.close());

const promote = async (champion: string) => {
  const response = await server.app.inject({
    method: 'PUT',
    url: '/v1/models/digits-small/deployment',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { champion, mode: 'none' },
  });
  expect(response.statusCode).toBe(200);
};

/** The entries precache.js sets, read by running it as the service worker would. */
async function precacheEntries(): Promise<{ url: string; revision: string; integrity: string }[]> {
  const response = await server.app.inject({ url: '/models/precache.js' });
  expect(response.statusCode).toBe(200);
  const self: { __MODEL_PACK?: { url: string; revision: string; integrity: string }[] } = {};
  runInNewContext(response.body, { self });
  return self.__MODEL_PACK ?? [];
}

describe('GET /models/manifest.json', () => {
  it("lists each model's champion alone, keeping the registry's other fields, revalidated on each use", async () => {
    await promote('1');
    const response = await server.app.inject({ url: '/models/manifest.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-cache');
    const served = response.json<{ models: { name: string; version: string }[] } & Record<string, unknown>>();
    expect(served.models.map((m) => `${m.name}@${m.version}`)).toEqual(['digits-small@1', 'digits-full@1']);
    const registry = JSON.parse(readFileSync(join(pack.dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect({ ...served, models: undefined }).toEqual({ ...registry, models: undefined });
    expect(() => parseManifest(served)).not.toThrow();
  });

  it('follows a deployment change: the new champion with its own gate', async () => {
    await promote('2');
    const manifest = parseManifest((await server.app.inject({ url: '/models/manifest.json' })).json());
    const small = manifest.models.filter((m) => m.name === 'digits-small');
    expect(small.map((m) => [m.version, m.sha256, m.gate?.threshold])).toEqual([['2', pack.sha256['2'], SECOND_VERSION_THRESHOLD]]);
    await promote('1');
  });

  it('follows a promotion through the promote route, and its rollback', async () => {
    await promote('1');
    const edgeVersion = async () =>
      parseManifest((await server.app.inject({ url: '/models/manifest.json' })).json()).models.find((m) => m.role === 'edge')?.version;
    const admin = { authorization: `Bearer ${TOKEN}` };
    const promoted = await server.app.inject({ method: 'POST', url: '/v1/models/digits-small/promote', headers: admin, payload: { version: '2' } });
    expect(promoted.statusCode).toBe(200);
    expect(await edgeVersion()).toBe('2');
    expect((await server.app.inject({ method: 'POST', url: '/v1/models/digits-small/rollback', headers: admin })).statusCode).toBe(200);
    expect(await edgeVersion()).toBe('1');
  });

  it('answers 304 to a client that holds the same bytes, and sends them Brotli-encoded to one that takes it', async () => {
    const first = await server.app.inject({ url: '/models/manifest.json' });
    expect(first.headers['etag']).toBe(`"${sha256(first.body)}"`);
    const again = await server.app.inject({ url: '/models/manifest.json', headers: { 'if-none-match': String(first.headers['etag']) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const encoded = await server.app.inject({ url: '/models/manifest.json', headers: { 'accept-encoding': 'gzip, br' } });
    expect(encoded.headers['content-encoding']).toBe('br');
    expect(encoded.headers['vary']).toBe('accept-encoding');
    expect(brotliDecompressSync(encoded.rawPayload).toString()).toBe(first.body);
  });

  it('before the models load, serves the newest listed version (what the server serves by default)', async () => {
    const cold = await coldServer({ MODEL_REPOSITORY: pack.dir });
    try {
      const manifest = parseManifest((await cold.app.inject({ url: '/models/manifest.json' })).json());
      expect(manifest.models.map((m) => `${m.name}@${m.version}`).sort()).toEqual(['digits-full@1', 'digits-small@2']);
    } finally {
      await cold.app.close();
    }
  });
});

describe('GET /models/registry.json', () => {
  it('is the registry manifest as written, every version (for the operations dashboard), revalidated on each use', async () => {
    const response = await server.app.inject({ url: '/models/registry.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(readFileSync(join(pack.dir, 'manifest.json'), 'utf8'));
  });
});

describe('GET /models/precache.js', () => {
  it("is a classic script naming the served manifest and the edge champion's file, with revisions and integrity", async () => {
    await promote('1');
    const response = await server.app.inject({ url: '/models/precache.js' });
    expect(response.headers['content-type']).toMatch(/^text\/javascript/);
    expect(response.headers['cache-control']).toBe('no-cache');
    const manifestText = (await server.app.inject({ url: '/models/manifest.json' })).body;
    expect(await precacheEntries()).toEqual([
      { url: '/models/manifest.json', revision: sha256(manifestText), integrity: integrity(sha256(manifestText)) },
      { url: '/models/digits-small/1/model.onnx', revision: pack.sha256['1'], integrity: integrity(pack.sha256['1']) },
    ]);
  });

  it('changes its bytes when the edge champion changes, and only then', async () => {
    await promote('1');
    const before = (await server.app.inject({ url: '/models/precache.js' })).body;
    expect((await server.app.inject({ url: '/models/precache.js' })).body).toBe(before);
    await promote('2');
    const after = (await server.app.inject({ url: '/models/precache.js' })).body;
    expect(after).not.toBe(before);
    const entries = await precacheEntries();
    expect(entries.map((e) => e.url)).toEqual(['/models/manifest.json', '/models/digits-small/2/model.onnx']);
    expect(entries[1]?.revision).toBe(pack.sha256['2']);
    await promote('1');
    expect((await server.app.inject({ url: '/models/precache.js' })).body).toBe(before);
  });
});

describe('GET /models/<name>/<version>/<file>', () => {
  it.each(['1', '2'] as const)("serves version %s's model file from the registry, cached for a year", async (version) => {
    const response = await server.app.inject({ url: `/models/digits-small/${version}/model.onnx` });
    expect(response.statusCode).toBe(200);
    expect(sha256(response.rawPayload)).toBe(pack.sha256[version]);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['etag']).toBe(`"${pack.sha256[version]}"`);
  });

  it('sends the model Brotli-encoded, with its decoded size, to a client that takes it; gzip to one that takes only gzip', async () => {
    const br = await server.app.inject({ url: '/models/digits-small/2/model.onnx', headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(sha256(brotliDecompressSync(br.rawPayload))).toBe(pack.sha256['2']);
    expect(br.headers[DECODED_LENGTH_HEADER]).toBe(String(readFileSync(join(pack.dir, 'digits-small/2/model.onnx')).length));
    const gzip = await server.app.inject({ url: '/models/digits-small/2/model.onnx', headers: { 'accept-encoding': 'br;q=0, gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
  });

  it('serves the reference statistics the manifest lists', async () => {
    const response = await server.app.inject({ url: '/models/digits-small/2/reference.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.rawPayload.equals(readFileSync(join(pack.dir, 'digits-small/2/reference.json')))).toBe(true);
  });

  it.each([
    '/models/..%2F..%2Fpackage.json/1/model.onnx',
    '/models/digits-small/1/..%5C..%5Cmanifest.json',
    '/models/digits-small/..%2F..%2F..%2Fpackage.json/model.onnx',
    '/models/digits-small/1/..%2F..%2Fmanifest.json',
    '/models/digits-small/1/.model.onnx',
    '/models/digits-small/1/model.onnx%00',
  ])('refuses %s with FORBIDDEN', async (url) => {
    const response = await server.app.inject({ url });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each(['/models/digits-small/3/model.onnx', '/models/digits-small/1/other.onnx', '/models/nothing/1/model.onnx'])(
    'answers 404 NOT_FOUND for %s, which the manifest does not list',
    async (url) => {
      const response = await server.app.inject({ url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    },
  );
});

describe('beside the built app', () => {
  it("wins over the build's copy of the model pack, and is not an operation of the API document", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pwa-pack-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    mkdirSync(join(dir, 'models', 'digits-small', '1'), { recursive: true });
    writeFileSync(join(dir, 'models', 'manifest.json'), '{"stale": true}');
    writeFileSync(join(dir, 'models', 'digits-small', '1', 'model.onnx'), 'stale');
    const built = await buildServer({ ...loadConfig({ LOG_LEVEL: 'silent', EVALUATION: 'off', MODEL_REPOSITORY: pack.dir }), staticDir: dir });
    try {
      expect((await built.app.inject({ url: '/models/manifest.json' })).json()).not.toHaveProperty('stale');
      expect(sha256((await built.app.inject({ url: '/models/digits-small/1/model.onnx' })).rawPayload)).toBe(pack.sha256['1']);
      expect((await built.app.inject({ url: '/' })).body).toContain('<title>app</title>');
      const doc = (await built.app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/models/'))).toEqual([]);
    } finally {
      await built.app.close();
    }
  });
});
