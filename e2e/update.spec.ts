import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnServer } from '../server/testing/spawn-server';
import { waitForPhaseOne, waitForServiceWorker } from './support/app';

const NEXT_VERSION = 'next-deployment';
let root: string;
let live: string;
let next: string;
let server: { base: string; child: ChildProcess };

// A server of its own, whose static folder the test can redeploy.
test.beforeAll(async () => {
  test.setTimeout(180_000);
  root = mkdtempSync(join(tmpdir(), 'deploy-'));
  live = join(root, 'live');
  next = join(root, 'next');
  cpSync('dist', live, { recursive: true });
  // What `npm run build` does, into another folder: the bundle, then its compressed twins.
  for (const command of [
    ['vite', 'build', '--outDir', next, '--emptyOutDir', '--logLevel', 'error'],
    ['tsx', 'scripts/precompress.ts', next],
  ]) {
    const run = spawnSync('npx', command, { env: { ...process.env, APP_VERSION: NEXT_VERSION }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`building the next deployment failed: ${run.stderr}`);
  }
  server = await spawnServer({ STATIC_DIR: live });
});

test.afterAll(() => {
  server?.child.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

test('a new deployment shows the update prompt, and accepting it reloads into the new version', async ({ page }) => {
  await page.goto(server.base);
  await waitForPhaseOne(page);
  await waitForServiceWorker(page);
  const firstVersion = await page.getByTestId('status-app-version').textContent();
  expect(firstVersion).not.toContain(NEXT_VERSION);
  await expect(page.getByTestId('update-available')).toHaveCount(0);

  // Deploy: the new build's files over the old ones (old hashed assets stay, as on a CDN).
  cpSync(next, live, { recursive: true, force: true });
  await page.reload();
  // The old version still runs until the user says so.
  await expect(page.getByTestId('update-available')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('status-app-version')).toHaveText(firstVersion ?? '');

  await page.getByTestId('update-available').click();
  await expect(page.getByTestId('status-app-version')).toHaveText(`app ${NEXT_VERSION}`, { timeout: 30_000 });
  await expect(page.getByTestId('update-available')).toHaveCount(0);
  await waitForPhaseOne(page);
});
