/**
 * Progress on stderr: rows done, rows per second, the time left, and errors
 * so far. On a terminal, one bar redrawn in place; otherwise (a log, a pipe)
 * a plain line every few seconds, so logs stay readable.
 */
import type { Progress } from '../coordinator';

const BAR = 30;

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

export function describe(p: Progress): string {
  const rate = p.doneThisRun / Math.max(p.elapsedMs / 1000, 1e-3);
  const eta = rate > 0 ? (p.rows - p.done) / rate : Infinity;
  const percent = p.rows === 0 ? 100 : (100 * p.done) / p.rows;
  return `${p.done}/${p.rows} rows (${percent.toFixed(1)}%), ${Math.round(rate)} rows/s, ETA ${duration(eta)}, ${p.failed} errors`;
}

export interface ProgressReporter {
  update(progress: Progress): void;
  /** The last state, on a line of its own. */
  end(): void;
}

export function progressReporter(write: (text: string) => void, terminal: boolean): ProgressReporter {
  let last: Progress | undefined;
  let shownAt = -Infinity;
  const everyMs = terminal ? 100 : 2_000;
  const show = (p: Progress) => {
    if (terminal) {
      const filled = p.rows === 0 ? BAR : Math.round((BAR * p.done) / p.rows);
      write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${describe(p)}\x1b[K`);
    } else write(`batch: ${describe(p)}\n`);
  };
  return {
    update(progress) {
      last = progress;
      const now = performance.now();
      if (now - shownAt < everyMs) return;
      shownAt = now;
      show(progress);
    },
    end() {
      if (last) show(last);
      if (terminal && last) write('\n');
    },
  };
}
