/**
 * Deployments reach installed apps: a new build prompts an update and reloads
 * into it, and an app whose model pack failed to load still receives the next
 * one. (A promoted model reaches them the same way: model-promotion.spec.ts.)
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnServer } from '../test/server/spawn-server';
import { waitForPhaseOne, waitForServiceWorker } from './support/app';

const NEXT_VERSION = 'next-deployment';
let root: string;
let next: string;
let live: string;
let server: { base: string; child: ChildProcess } | undefined;

// The next deployment: what `npm run build` does, into another folder (the bundle, then its compressed twins).
test.beforeAll(() => {
  test.setTimeout(180_000);
  root = mkdtempSync(join(tmpdir(), 'deploy-'));
  next = join(root, 'next');
  for (const command of [
    ['vite', 'build', '--outDir', next, '--emptyOutDir', '--logLevel', 'error'],
    ['tsx', 'scripts/precompress.ts', next],
  ]) {
    const run = spawnSync('npx', command, { env: { ...process.env, APP_VERSION: NEXT_VERSION }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`building the next deployment failed: ${run.stderr}`);
  }
});

// Each test serves a copy of the current build from a server of its own, and redeploys into it.
test.beforeEach(async () => {
  live = mkdtempSync(join(root, 'live-'));
  cpSync(process.env['STATIC_DIR'] ?? 'dist', live, { recursive: true });
  server = await spawnServer({ STATIC_DIR: live });
});

test.afterEach(() => {
  server?.child.kill('SIGTERM');
});

test.afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Deploys the new build's files over the old ones (old hashed assets stay, as on a CDN). */
const deployNext = () => cpSync(next, live, { recursive: true, force: true });

test('a new deployment shows the update prompt, and accepting it reloads into the new version', async ({ page }) => {
  await page.goto(server?.base ?? '');
  await waitForPhaseOne(page);
  await waitForServiceWorker(page);
  const firstVersion = await page.getByTestId('status-app-version').textContent();
  expect(firstVersion).not.toContain(NEXT_VERSION);
  await expect(page.getByTestId('update-available')).toHaveCount(0);

  deployNext();
  await page.reload();
  // The old version still runs until the user says so.
  await expect(page.getByTestId('update-available')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('status-app-version')).toHaveText(firstVersion ?? '');

  await page.getByTestId('update-available').click();
  await expect(page.getByTestId('status-app-version')).toHaveText(`app ${NEXT_VERSION}`, { timeout: 30_000 });
  await expect(page.getByTestId('update-available')).toHaveCount(0);
  await waitForPhaseOne(page);
});

test('an app whose model pack failed to load still registers its worker, and receives the next deployment', async ({ page }) => {
  // The model pack comes from the server (server/routes/model-pack.ts): here its first answer is a broken manifest.
  const broken = JSON.stringify({ models: [{ name: 'digits-small' }] });
  await page.route('**/models/manifest.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: broken }), { times: 1 });
  await page.goto(server?.base ?? '');
  await expect(page.getByTestId('model-pack-error')).toContainText('models[0]');
  await waitForServiceWorker(page);

  deployNext();
  await page.reload();
  await page.getByTestId('update-available').click();
  await expect(page.getByTestId('status-app-version')).toHaveText(`app ${NEXT_VERSION}`, { timeout: 30_000 });
  await expect(page.getByTestId('model-pack-error')).toHaveCount(0);
  await waitForPhaseOne(page);
});
