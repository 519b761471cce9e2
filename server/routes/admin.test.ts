/**
 * Model versions load at run time through the admin route: guarded by a token,
 * without failing requests in flight, and leaving the serving versions alone
 * when a new one is broken.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { readyServer, registryCopy } from '../../test/server/test-server';
import { drawnPixels } from '../../test/drawn-digits';

const TOKEN = 'test-admin-token-0123456789';
let server: Server;
let registryDir: string;

/** Adds version `version` of digits-full to the copy's manifest, with the given file bytes. */
function addVersion(version: string, bytes?: Buffer): void {
  const manifestPath = join(registryDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const full = manifest.models.find((m: { name: string; version: string }) => m.name === 'digits-full' && m.version === '1');
  mkdirSync(join(registryDir, 'digits-full', version), { recursive: true });
  const target = join(registryDir, 'digits-full', version, 'model.onnx');
  if (bytes) writeFileSync(target, bytes);
  else copyFileSync(join(registryDir, full.file), target);
  manifest.models.push({ ...full, version, file: `digits-full/${version}/model.onnx` });
  writeFileSync(manifestPath, JSON.stringify(manifest));
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
  });

  it('answers 404 for a model the manifest does not list', async () => {
    const response = await load(TOKEN, 'nope');
    expect([response.statusCode, response.json().code]).toEqual([404, 'MODEL_NOT_FOUND']);
    expect(response.json().error).toMatch(/the manifest lists no model "nope"/);
  });
});
