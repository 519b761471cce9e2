/**
 * The built app as served: cross-origin isolated, showing the models of the
 * validated manifest, following the browser's online status, with model files
 * that match the manifest.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

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
