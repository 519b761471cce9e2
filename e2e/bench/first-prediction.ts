/**
 * Time to the first prediction on a page load, for the edge benchmark: measured
 * in the page itself, from the start of navigation.
 */
import type { Page } from '@playwright/test';
import type { Stroke } from '../../test/fixtures/digit-strokes';

/**
 * Installed before the app's scripts: as soon as phase one is ready, predicts
 * one drawing through the app's own predictor and records when that answer
 * came, in ms since the navigation started (`window.firstPredictionMs`).
 */
export async function recordFirstPrediction(page: Page, strokes: readonly Stroke[]): Promise<void> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  await page.addInitScript((lines) => {
    type Handle = { phaseOne?: unknown; predictor?: { settle(raster: unknown, id: string): Promise<{ verdict?: { label: string } }> } };
    const timer = setInterval(() => {
      const app = (window as unknown as { digitsApp?: Handle }).digitsApp;
      if (!app?.phaseOne || !app.predictor) return;
      clearInterval(timer);
      const size = 280;
      const context = new OffscreenCanvas(size, size).getContext('2d');
      if (!context) throw new Error('no 2D context');
      context.lineWidth = 18;
      context.lineCap = context.lineJoin = 'round';
      for (const line of lines) {
        context.beginPath();
        line.forEach(([x, y], i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
        context.stroke();
      }
      const rgba = context.getImageData(0, 0, size, size).data;
      const data = new Float32Array(size * size);
      for (let i = 0; i < data.length; i++) data[i] = (rgba[i * 4 + 3] ?? 0) / 255;
      void app.predictor.settle({ width: size, height: size, data }, 'first-prediction').then((answer) => {
        Object.assign(window, { firstPredictionMs: performance.now(), firstPredictionLabel: answer.verdict?.label });
      });
    }, 2);
  }, strokes);
}

export async function firstPrediction(page: Page): Promise<{ ms: number; label: string }> {
  await page.waitForFunction(() => 'firstPredictionMs' in window, null, { timeout: 120_000 });
  return page.evaluate(() => {
    const w = window as unknown as { firstPredictionMs: number; firstPredictionLabel: string };
    return { ms: w.firstPredictionMs, label: w.firstPredictionLabel };
  });
}
