/**
 * The built app as served: cross-origin isolated, showing the models of the
 * validated manifest, following the browser's online status, with model files
 * that match the manifest, and working under its content security policy.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { GATED_STROKES } from '../test/fixtures/digit-strokes';
import { drawAndSettle, expectSource, waitForPhaseOne, waitForServiceWorker } from './support/app';

const manifest = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as {
  models: { name: string; version: string; role: string }[];
};

test('the built page is served cross-origin isolated with the isolation headers', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  // Only an isolated page gets SharedArrayBuffer, which WASM threads need.
  expect(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('status-isolated')).toHaveText('isolated');
});

test('the page shows the models of the pack, read from the validated manifest', async ({ page }) => {
  await page.goto('/');
  for (const model of manifest.models) {
    await expect(page.getByTestId(`model-${model.role}`)).toContainText(`${model.name} v${model.version}`);
  }
  await expect(page.getByTestId('model-pack-error')).toHaveCount(0);
});

test('the online status follows the browser', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByTestId('status-online')).toHaveText('online');
  await context.setOffline(true);
  await expect(page.getByTestId('status-online')).toHaveText('offline');
  await context.setOffline(false);
  await expect(page.getByTestId('status-online')).toHaveText('online');
});

test('the model files are served from the app origin and match the manifest', async ({ request }) => {
  const full = JSON.parse(readFileSync('public/models/manifest.json', 'utf8')) as { models: { file: string; bytes: number }[] };
  for (const model of full.models) {
    const response = await request.get(`/models/${model.file}`);
    expect(response.status()).toBe(200);
    expect((await response.body()).byteLength).toBe(model.bytes);
  }
});

test('under its content security policy the app draws, predicts on the edge and in the cloud, and installs its worker, with no violation', async ({ page }) => {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (globalThis as { violations?: string[] }).violations ??= [];
      (globalThis as { violations?: string[] }).violations?.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("'wasm-unsafe-eval'");
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  await waitForPhaseOne(page);
  await expect(page.getByTestId('status-backend')).toHaveText(/wasm/);
  await drawAndSettle(page, GATED_STROKES);
  await expectSource(page, 'cloud');
  await waitForServiceWorker(page);
  const seen = await page.evaluate(() => (globalThis as { violations?: string[] }).violations ?? []);
  expect([...violations, ...seen]).toEqual([]);
});
