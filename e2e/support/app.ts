/**
 * Browser-test helpers that use the app as a person would: draw on the pad with
 * real pointer events, read the answer shown, and wait for phase one and the
 * service worker.
 */
import { expect, type Page } from '@playwright/test';
import { DIGIT_STROKES, PAD_SIZE, type Stroke } from '../../test/fixtures/digit-strokes';

/** Waits until phase one has loaded its model and warmed up, on whichever backend. */
export async function waitForPhaseOne(page: Page): Promise<void> {
  await expect(page.getByTestId('status-backend')).toHaveText(/^(wasm|webgpu)$/, { timeout: 60_000 });
}

/** A stroke with points every few pad pixels, as a pointer reports them while it moves. */
export function densify(stroke: Stroke, step = 8): [number, number][] {
  const out: [number, number][] = [];
  stroke.forEach(([x, y], i) => {
    const [px, py] = stroke[i - 1] ?? [x, y];
    const n = Math.max(1, Math.ceil(Math.hypot(x - px, y - py) / step));
    for (let k = i === 0 ? n : 1; k <= n; k++) out.push([px + ((x - px) * k) / n, py + ((y - py) * k) / n]);
  });
  return out;
}

/** Maps pad pixels to page coordinates, wherever and however large the pad is shown. */
export async function padToPage(page: Page): Promise<(point: readonly [number, number]) => { x: number; y: number }> {
  const box = await page.getByTestId('draw-pad').boundingBox();
  if (!box) throw new Error('the draw pad is not on screen');
  return ([x, y]) => ({ x: box.x + (x * box.width) / PAD_SIZE, y: box.y + (y * box.height) / PAD_SIZE });
}

/** Draws strokes on the pad with the mouse: real pointer events, as a person would. */
export async function drawStrokes(page: Page, strokes: readonly Stroke[]): Promise<void> {
  const at = await padToPage(page);
  for (const stroke of strokes) {
    const [first, ...rest] = densify(stroke).map(at);
    if (!first) continue;
    await page.mouse.move(first.x, first.y);
    await page.mouse.down();
    for (const point of rest) await page.mouse.move(point.x, point.y);
    await page.mouse.up();
  }
}

/** Clears the pad and draws a digit of the fixtures; resolves once its answer has settled. */
export async function drawDigit(page: Page, digit: number): Promise<void> {
  await drawAndSettle(page, DIGIT_STROKES[digit] ?? []);
}

export async function drawAndSettle(page: Page, strokes: readonly Stroke[]): Promise<void> {
  await page.getByTestId('clear').click();
  await drawStrokes(page, strokes);
  // The latency shows only for a settled answer, not for the preview while drawing.
  await expect(page.getByTestId('prediction-latency')).toBeVisible();
}

/** The answer on the card: label, source (`edge`, `cloud` or `cache`), and status (`final` unless it waits for the cloud). */
export async function shownAnswer(page: Page): Promise<{ label: string; source: string; status: string }> {
  const status = page.getByTestId('prediction-status');
  return {
    label: (await page.getByTestId('prediction-label').textContent()) ?? '',
    source: (await page.getByTestId('prediction-source').getAttribute('data-source')) ?? '',
    status: (await status.count()) > 0 ? ((await status.getAttribute('data-status')) ?? '') : 'final',
  };
}

/** Waits until the card's answer comes from `source`. */
export async function expectSource(page: Page, source: 'edge' | 'cloud' | 'cache'): Promise<void> {
  await expect(page.getByTestId('prediction-source')).toHaveAttribute('data-source', source);
}

/** Resolves once a service worker controls the page and has finished precaching. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => (await navigator.serviceWorker.ready).active?.state === 'activated' && navigator.serviceWorker.controller !== null,
    null,
    {
      timeout: 60_000,
    },
  );
}

/** Sets the app's settings before its scripts run (they are read once at start). */
export async function useSettings(page: Page, settings: Record<string, unknown>): Promise<void> {
  await page.addInitScript((stored) => {
    if (!localStorage.getItem('digits-settings')) localStorage.setItem('digits-settings', stored);
  }, JSON.stringify(settings));
}
