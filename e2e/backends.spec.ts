/**
 * Phase one's backends in Chromium with software WebGPU: forced WebGPU gives
 * the same answers as WASM, and left to itself the probe picks the faster
 * backend and remembers it.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBGPU_ARGS } from '../playwright.config';
import { DIGIT_STROKES } from '../test/fixtures/digit-strokes';
import { drawDigit, useSettings, waitForPhaseOne } from './support/app';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS] } });

interface Choice {
  backend: string;
  how: string;
  medianMs?: Record<string, number>;
}
const choiceOf = (page: Page) => page.evaluate(() => (window as unknown as { digitsApp: { phaseOne?: { choice: Choice } } }).digitsApp.phaseOne?.choice);

/** The small model's probabilities for the ten digits, drawn on the pad with the backend forced. */
async function edgeReadings(browser: Browser, backend: 'wasm' | 'webgpu') {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Device only: every verdict is the small model's own.
  await useSettings(page, { backend, mode: 'only_on_device' });
  await page.goto('/');
  await waitForPhaseOne(page);
  await expect(page.getByTestId('status-backend')).toHaveText(backend);
  expect(await choiceOf(page)).toMatchObject({ backend, how: 'forced' });
  const digits = Object.keys(DIGIT_STROKES).map(Number);
  for (const digit of digits) await drawDigit(page, digit);
  const readings = await page.evaluate(async (count) => {
    const app = (
      window as unknown as {
        digitsApp: { store: { history: { recent(n: number): Promise<{ answer: { verdict: { label: string; probabilities: number[] } } }[]> } } };
      }
    ).digitsApp;
    return (await app.store.history.recent(count)).reverse().map((e) => e.answer.verdict);
  }, digits.length);
  await context.close();
  return readings;
}

test('WebGPU forced in settings: the backend reads webgpu and the answers match WASM', async ({ browser }) => {
  test.setTimeout(180_000);
  const webgpu = await edgeReadings(browser, 'webgpu');
  const wasm = await edgeReadings(browser, 'wasm');
  expect(webgpu.map((v) => v.label)).toEqual(Object.keys(DIGIT_STROKES));
  expect(webgpu.map((v) => v.label)).toEqual(wasm.map((v) => v.label));
  webgpu.forEach((v, i) => {
    const w = wasm[i]?.probabilities ?? [];
    const difference = Math.max(...v.probabilities.map((p, k) => Math.abs(p - (w[k] ?? 0))));
    expect(difference, `digit ${i}`).toBeLessThan(0.02);
  });
});

test('left to itself, the probe picks the faster backend and remembers it for this device', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await waitForPhaseOne(page);
  const probed = await choiceOf(page);
  expect(probed?.how).toBe('probed');
  const { wasm, webgpu } = probed?.medianMs ?? {};
  expect(wasm).toBeGreaterThan(0);
  expect(webgpu).toBeGreaterThan(0);
  const faster = (wasm ?? Infinity) <= (webgpu ?? Infinity) ? 'wasm' : 'webgpu';
  expect(probed?.backend).toBe(faster);
  await expect(page.getByTestId('status-backend')).toHaveText(faster);

  await page.reload();
  await waitForPhaseOne(page);
  expect(await choiceOf(page)).toMatchObject({ backend: faster, how: 'remembered' });
  await drawDigit(page, 8);
  await expect(page.getByTestId('prediction-label')).toHaveText('8');
});
