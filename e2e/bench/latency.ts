/**
 * Latency of phase one for the edge benchmark: drives the harness page
 * (src/bench) and reduces its timings to p50 and p95.
 */
import type { Page } from '@playwright/test';
import { DIGIT_STROKES } from '../../test/fixtures/digit-strokes';

export interface Quantiles {
  p50: number;
  p95: number;
}

export interface LatencyFigures {
  backend: string;
  /** Idle time before each timed run. */
  pauseMs: number;
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

/** Opens the harness page and draws `runs` distinct drawings for it (cache misses, every one). */
export async function openHarness(page: Page, url: string, runs: number): Promise<{ backend: string; threads: number }> {
  await page.goto(url);
  const ready = await page.evaluate(() => (window as unknown as { digitsBench: Bench }).digitsBench.ready());
  await page.evaluate(([digits, count]) => (window as unknown as { digitsBench: Bench }).digitsBench.prepare(digits, count), [
    Object.values(DIGIT_STROKES),
    runs,
  ] as const);
  return ready;
}

/**
 * Times `runs` distinct drawings through the app and through a bare
 * session.run, alternating, so a noisy moment on the machine hits both alike.
 * `pauseMs` idles before each timed run: back to back (0) the machine stays
 * warm; a person's drawings settle at least 250 ms apart (the pad's debounce),
 * and after an idle moment every step, the bare run too, starts colder.
 */
export async function measureLatency(
  page: Page,
  harness: { backend: string; threads: number },
  drawings: { from: number; runs: number },
  pauseMs: number,
): Promise<LatencyFigures> {
  const { from, runs } = drawings;
  const { backend, threads } = harness;
  const times = await page.evaluate(
    async ([first, count, pause]) => {
      const bench = (window as unknown as { digitsBench: Bench }).digitsBench;
      const out = { app: [] as number[], stored: [] as number[], bare: [] as number[] };
      for (let i = first; i < first + count; i++) {
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        const { answered, stored } = await bench.appPath(i);
        out.app.push(answered);
        out.stored.push(stored);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        out.bare.push(await bench.bare(i));
      }
      return out;
    },
    [from, runs, pauseMs] as const,
  );
  return { backend, pauseMs, threads, runs, app: quantiles(times.app), stored: quantiles(times.stored), bare: quantiles(times.bare) };
}
