/**
 * The app offline and installable: after one visit it reloads and predicts
 * without the network, navigations get the shell, the API is never answered
 * from a cache, and the manifest's icons and screenshots exist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';
import { PNG } from 'pngjs';
import { drawDigit, shownAnswer, waitForPhaseOne, waitForServiceWorker } from './support/app';

test('after one online visit the app reloads offline, and draws and predicts at the edge', async ({ page, context }) => {
  await page.goto('/');
  await waitForPhaseOne(page);
  await waitForServiceWorker(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('status-online')).toHaveText('offline');
  await waitForPhaseOne(page);
  for (const digit of [7, 0]) {
    await drawDigit(page, digit);
    expect(await shownAnswer(page)).toEqual({ label: String(digit), source: 'edge', status: 'final' });
  }
});

test('offline, a navigation to any page of the app gets the shell', async ({ page, context }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.goto('/some/deep/link');
  await expect(page.getByRole('heading', { name: 'Digits' })).toBeVisible();
  await waitForPhaseOne(page);
});

test('the service worker controls the page, precaches phase one and never answers the API from a cache', async ({ page, context }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  for (const expected of [
    /^\/index\.html$/,
    /^\/models\/manifest\.json$/,
    /^\/models\/digits-small\/.+\.onnx$/,
    /^\/assets\/ort-wasm-simd-threaded-.+\.wasm$/,
    /^\/assets\/edge\.worker-.+\.js$/,
  ]) {
    expect(
      cached.some((url) => expected.test(url)),
      `precached: ${expected}`,
    ).toBe(true);
  }
  // Neither the full model, the WebGPU runtime nor the benchmark's harness is on the device.
  expect(cached.filter((url) => url.includes('digits-full') || url.includes('asyncify') || url.includes('bench'))).toEqual([]);
  expect(cached.some((url) => url.startsWith('/v1/') || url.startsWith('/v2/'))).toBe(false);

  // Offline, the API fails as the network does: it is not served from any cache.
  await context.setOffline(true);
  const api = await page.evaluate(async () =>
    fetch('/v2/health/ready').then(
      (r) => r.status,
      () => 'network error',
    ),
  );
  expect(api).toBe('network error');
});

test('Chromium finds the app installable', async ({ baseURL }) => {
  // Playwright's usual contexts are incognito, where Chromium installs nothing: use a real profile.
  const profile = mkdtempSync(join(tmpdir(), 'profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await context.newPage();
    await page.goto(baseURL ?? '/');
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('the web app manifest names the app and its icons and screenshots, all present', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = (await (await request.get(href ?? '')).json()) as {
    id: string;
    name: string;
    start_url: string;
    display: string;
    theme_color: string;
    icons: { src: string; sizes: string; purpose: string }[];
    screenshots: { src: string; sizes: string; form_factor: string }[];
  };
  expect(manifest).toMatchObject({ id: '/', start_url: '/', display: 'standalone', theme_color: expect.stringMatching(/^#/) });
  expect(manifest.name.length).toBeGreaterThan(0);
  expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  // Every image is there, and is as large as the manifest says.
  for (const image of [...manifest.icons, ...manifest.screenshots]) {
    const response = await request.get(image.src);
    expect(response.status(), image.src).toBe(200);
    const png = PNG.sync.read(await response.body());
    expect(`${png.width}x${png.height}`, image.src).toBe(image.sizes);
  }
  expect(manifest.screenshots.map((s) => s.form_factor).sort()).toEqual(['narrow', 'wide']);
});
