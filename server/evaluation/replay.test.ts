/**
 * The held-out split replayed through the server with its labels: the
 * monitoring window's accuracy is the model report's, to the last digit, and
 * the label-free estimate (calibrated confidences) lands close to it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WindowsResponse } from '../../src/core/api/evaluation';
import { MODEL_PACK_DIR, modelForRole, parseManifest } from '../../src/core/manifest';
import { loadPart } from '../../training/data/datasets';
import type { Server } from '../app';
import { readyServer } from '../../test/server/test-server';

const TOKEN = 'replay-admin-token-012345678';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CHUNK = 250;
let server: Server;

beforeAll(async () => {
  server = await readyServer({ EVALUATION: 'on', DATA_DIR: mkdtempSync(join(tmpdir(), 'eval-replay-')), ADMIN_TOKEN: TOKEN, MAX_INSTANCES: String(CHUNK) });
});
afterAll(() => server?.app.close());

it("gives the held-out split's accuracy to the last digit", async () => {
  const manifest = parseManifest(JSON.parse(readFileSync(join(MODEL_PACK_DIR, 'manifest.json'), 'utf8')));
  const cloud = modelForRole(manifest, 'cloud');
  const heldout = loadPart('heldout');
  const count = heldout.labels.length;
  const from = new Date(Date.now() - 60_000).toISOString();
  for (let start = 0; start < count; start += CHUNK) {
    const instances = heldout.labels.slice(start, start + CHUNK).map((_, i) => ({
      key: `heldout-${heldout.indices[start + i]}`,
      pixels: Array.from(heldout.inputs.subarray((start + i) * 784, (start + i + 1) * 784)),
    }));
    const reply = await server.app.inject({ method: 'POST', url: `/v1/models/${cloud.name}:predict`, payload: { instances } });
    expect(reply.statusCode).toBe(200);
  }
  expect((await server.app.inject({ method: 'POST', url: '/v1/monitoring/flush', headers: AUTH })).statusCode).toBe(200);
  const labels = heldout.labels.map((label, i) => ({ key: `heldout-${heldout.indices[i]}`, label: String(label) }));
  const feedback = await server.app.inject({ method: 'POST', url: '/v1/feedback', payload: { labels } });
  expect(feedback.json()).toEqual({ accepted: count, pending: 0 });
  const to = new Date(Date.now() + 60_000).toISOString();
  const reply = await server.app.inject({ url: `/v1/monitoring/models/${cloud.name}/windows?window=1d&from=${from}&to=${to}`, headers: AUTH });
  const [window] = WindowsResponse.parse(reply.json()).windows;
  expect(window?.predictions).toBe(count);
  expect(window?.labelled).toBe(count);
  expect(window?.accuracy?.value).toBe(cloud.metrics.heldout.accuracy);
  expect(window?.accuracy?.low).toBeLessThan(cloud.metrics.heldout.accuracy);
  expect(window?.accuracy?.high).toBeGreaterThan(cloud.metrics.heldout.accuracy);
  // Calibrated on the validation split, the estimate of a held-out window is within a point of the truth.
  expect(Math.abs((window?.estimated_accuracy ?? 0) - cloud.metrics.heldout.accuracy)).toBeLessThan(0.01);
  // In-distribution data: no dataset drift.
  expect(window?.drift?.dataset_drift).toBe(false);
});
