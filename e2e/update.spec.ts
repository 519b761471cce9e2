/**
 * Deployments reach installed apps: a new build prompts an update and reloads
 * into it, and an app whose model manifest is broken still receives the fixed
 * one.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  cpSync('dist', live, { recursive: true });
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

/** Replaces a built file, as a build of other content would have made it: new bytes, a new precache revision, no stale twins. */
function rewriteBuiltFile(path: string, content: string): void {
  writeFileSync(join(live, path), content);
  const swPath = join(live, 'sw.js');
  const sw = readFileSync(swPath, 'utf8');
  const entry = new RegExp(`("revision":")[0-9a-f]+(","url":"${path.replace(/[.]/g, '\\.')}")`);
  if (!entry.test(sw)) throw new Error(`${path} is not precached`);
  writeFileSync(swPath, sw.replace(entry, `$1${'0'.repeat(32)}$2`));
  for (const file of [path, 'sw.js']) for (const twin of ['.br', '.gz']) rmSync(join(live, file + twin), { force: true });
}

test('a deployment with a broken model manifest still receives the fixed one', async ({ page }) => {
  rewriteBuiltFile('models/manifest.json', JSON.stringify({ models: [{ name: 'digits-small' }] }));
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
