import type { Page } from '@playwright/test';
import { DIGIT_STROKES } from '../fixtures/digit-strokes';

export interface Quantiles {
  p50: number;
  p95: number;
}

export interface LatencyFigures {
  backend: string;
  threads: number;
  runs: number;
  /** The whole app path, to the answer (writes issued). */
  app: Quantiles;
  /** The same, until the cache and history writes are committed. */
  stored: Quantiles;
  /** A bare session.run of the same model and input. */
  bare: Quantiles;
}

export const quantiles = (values: readonly number[]): Quantiles => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95) };
};

interface Bench {
  ready(): Promise<{ backend: string; threads: number }>;
  prepare(digits: unknown, count: number): Promise<void>;
  appPath(i: number): Promise<{ answered: number; stored: number }>;
  bare(i: number): Promise<number>;
}

/**
 * Between two timed runs: a person's drawings settle at least 250 ms apart (the
 * pad's debounce), so IndexedDB's commits and the browser's housekeeping of one
 * drawing do not fall into the next one's time.
 */
const PAUSE_MS = 30;

/**
 * Times `runs` distinct drawings through the app and through a bare
 * session.run, alternating, so a noisy moment on the machine hits both alike.
 */
export async function measureLatency(page: Page, url: string, runs: number): Promise<LatencyFigures> {
  await page.goto(url);
  const { backend, threads } = await page.evaluate(() => (window as unknown as { digitsBench: Bench }).digitsBench.ready());
  await page.evaluate(([digits, count]) => (window as unknown as { digitsBench: Bench }).digitsBench.prepare(digits, count), [Object.values(DIGIT_STROKES), runs] as const);
  const times = await page.evaluate(
    async ([count, pause]) => {
      const bench = (window as unknown as { digitsBench: Bench }).digitsBench;
      const out = { app: [] as number[], stored: [] as number[], bare: [] as number[] };
      for (let i = 0; i < count; i++) {
        const { answered, stored } = await bench.appPath(i);
        out.app.push(answered);
        out.stored.push(stored);
        await new Promise((resolve) => setTimeout(resolve, pause));
        out.bare.push(await bench.bare(i));
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
      return out;
    },
    [runs, PAUSE_MS] as const,
  );
  return { backend, threads, runs, app: quantiles(times.app), stored: quantiles(times.stored), bare: quantiles(times.bare) };
}
