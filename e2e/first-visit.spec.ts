/**
 * A first visit shows the downloads of the model and of the WASM runtime (at
 * the runtime's real size, though it travels compressed), then the chosen
 * backend.
 */
import { readdirSync, statSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { waitForPhaseOne } from './support/app';

/** The WASM runtime of the build, as the page's progress shows its size. */
function runtimeMegabytes(): string {
  const file = readdirSync('dist/assets').find((name) => /^ort-wasm-simd-threaded-[^.]+\.wasm$/.test(name));
  if (!file) throw new Error('no WASM runtime in dist/assets: run npm run build');
  return (statSync(`dist/assets/${file}`).size / 1024 / 1024).toFixed(1);
}

test('a first visit shows the download of the model and the runtime, then the backend', async ({ page, context }) => {
  // Hold the runtime back, as a slow network would.
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route(/ort-wasm-simd-threaded-[^/]*\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.getByTestId('load-progress')).toContainText('Model');
  await expect(page.getByTestId('status-backend')).toHaveText('loading');
  release();
  // The size is the runtime's own, though it travels compressed.
  await expect(page.getByTestId('load-progress')).toContainText(new RegExp(`Runtime: \\d+\\.\\d MB of ${runtimeMegabytes()} MB`));
  await waitForPhaseOne(page);
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
});
