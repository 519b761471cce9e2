/**
 * A promoted edge model reaches an installed app through its update prompt,
 * with no new build: on a server of its own whose registry has a second
 * digits-small version (its own file bytes and gate threshold), the app is
 * installed on version 1; the admin makes version 2 the champion; the app's
 * update check finds a new worker (the server's precache.js changed), the
 * prompt shows, and accepting it reloads into version 2, whose file the
 * precache holds instead of version 1's; offline, the app then predicts with
 * version 2, read from the precache, at version 2's threshold.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from '../playwright.config';
import { packWithSecondEdgeVersion, SECOND_VERSION_THRESHOLD, type SecondVersionPack } from '../test/server/second-edge-version';
import { spawnServer } from '../test/server/spawn-server';
import { drawDigit, shownAnswer, waitForPhaseOne, waitForServiceWorker } from './support/app';

let pack: SecondVersionPack;
let server: Awaited<ReturnType<typeof spawnServer>> | undefined;

test.beforeAll(async () => {
  pack = packWithSecondEdgeVersion();
  // The build the shared server serves (STATIC_DIR when set), over this registry; deployments in memory.
  server = await spawnServer({ STATIC_DIR: resolve(process.env['STATIC_DIR'] ?? 'dist'), MODEL_REPOSITORY: pack.dir, ADMIN_TOKEN: E2E_ADMIN_TOKEN });
});

test.afterAll(() => {
  server?.child.kill('SIGTERM');
  rmSync(pack.dir, { recursive: true, force: true });
});

/** What the admin does: makes `version` digits-small's champion. */
async function setChampion(version: string): Promise<void> {
  const response = await fetch(`${server?.base ?? ''}/v1/models/digits-small/deployment`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ champion: version, mode: 'none' }),
  });
  expect(response.status, await response.text()).toBe(200);
}

/** The edge model files in the service worker's caches, by path, with the sha256 of the bytes held. */
function precachedModels(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const held: Record<string, string> = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const path = new URL(request.url).pathname;
        if (!path.endsWith('.onnx')) continue;
        const bytes = await (await cache.match(request))?.arrayBuffer();
        const digest = bytes ? new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)) : new Uint8Array();
        held[path] = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
    }
    return held;
  });
}

test('a promoted edge model is offered as an update, and once accepted runs offline from the precache', async ({ page, context }) => {
  test.setTimeout(180_000);
  // Version 2 is the newest, so it would be the default champion: version 1 is set before the app loads.
  await setChampion('1');
  await page.goto(server?.base ?? '');
  await waitForPhaseOne(page);
  await waitForServiceWorker(page);
  await expect(page.getByTestId('status-models')).toContainText('digits-small v1');
  await expect(page.getByTestId('setting-threshold')).toHaveValue('0.72');
  await expect.poll(() => precachedModels(page), { timeout: 30_000 }).toEqual({ '/models/digits-small/1/model.onnx': pack.sha256['1'] });
  await expect(page.getByTestId('update-available')).toHaveCount(0);

  await setChampion('2');
  // The app looks for a new deployment when it comes back to the foreground.
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(page.getByTestId('update-available')).toBeVisible({ timeout: 60_000 });
  // Until the user accepts, version 1 keeps running.
  await expect(page.getByTestId('status-models')).toContainText('digits-small v1');

  await page.getByTestId('update-available').click();
  await expect(page.getByTestId('status-models')).toContainText('digits-small v2', { timeout: 30_000 });
  await waitForPhaseOne(page);
  await expect(page.getByTestId('update-available')).toHaveCount(0);
  // The new worker's activation let go of version 1's file.
  await expect.poll(() => precachedModels(page), { timeout: 30_000 }).toEqual({ '/models/digits-small/2/model.onnx': pack.sha256['2'] });

  // Offline, the app starts again and predicts with version 2, at version 2's threshold, its file read from the precache.
  const modelLoads: { path: string; fromServiceWorker: boolean }[] = [];
  context.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.endsWith('.onnx')) modelLoads.push({ path, fromServiceWorker: response.fromServiceWorker() });
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('status-online')).toHaveText('offline');
  await waitForPhaseOne(page);
  await expect(page.getByTestId('status-models')).toContainText('digits-small v2');
  await expect(page.getByTestId('setting-threshold')).toHaveValue(String(SECOND_VERSION_THRESHOLD));
  await drawDigit(page, 7);
  expect(await shownAnswer(page)).toEqual({ label: '7', source: 'edge', status: 'final' });
  expect(modelLoads).toEqual([{ path: '/models/digits-small/2/model.onnx', fromServiceWorker: true }]);
});
