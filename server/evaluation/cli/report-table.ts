/**
 * A model's windows as a plain-text table for a terminal: one row per
 * window, version and source; figures to three decimals, "—" where there is
 * nothing to show (accuracy below MIN_LABELS, no reference to estimate or
 * measure drift against, no gate outside the edge), so an empty cell never
 * reads as a zero.
 */
import type { WindowsResponse } from '../../../src/core/api/evaluation';

type MonitoringWindow = WindowsResponse['windows'][number];

const NONE = '—';

interface Column {
  readonly title: string;
  readonly right: boolean;
  readonly cell: (w: MonitoringWindow) => string;
}

const fixed = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? NONE : x.toFixed(3));

/** `2026-11-29T12:00:00.000Z` as `2026-11-29 12:00` (the header says UTC); seconds only when there are any. */
export function startCell(iso: string): string {
  const [date = iso, time = ''] = iso.replace(/\.000Z$|Z$/, '').split('T');
  return `${date} ${time.endsWith(':00') ? time.slice(0, -3) : time}`.trim();
}

export function accuracyCell(accuracy: MonitoringWindow['accuracy']): string {
  return accuracy ? `${fixed(accuracy.value)} [${fixed(accuracy.low)}, ${fixed(accuracy.high)}]` : NONE;
}

export function driftCell(drift: MonitoringWindow['drift']): string {
  return drift ? `${drift.dataset_drift ? 'yes' : 'no'} (${fixed(drift.drifted_share)})` : NONE;
}

export function driftedColumnsCell(drift: MonitoringWindow['drift']): string {
  const names = drift?.features.filter((f) => f.drifted).map((f) => f.name) ?? [];
  return names.length > 0 ? names.join(', ') : NONE;
}

const COLUMNS: readonly Column[] = [
  { title: 'start (UTC)', right: false, cell: (w) => startCell(w.start) },
  { title: 'version', right: false, cell: (w) => w.version },
  { title: 'source', right: false, cell: (w) => w.source },
  { title: 'predictions', right: true, cell: (w) => String(w.predictions) },
  { title: 'labelled', right: true, cell: (w) => String(w.labelled) },
  { title: 'accuracy [95%]', right: false, cell: (w) => accuracyCell(w.accuracy) },
  { title: 'estimated', right: true, cell: (w) => fixed(w.estimated_accuracy) },
  { title: 'confidence', right: true, cell: (w) => (w.predictions > 0 ? fixed(w.mean_confidence) : NONE) },
  { title: 'gate rate', right: true, cell: (w) => fixed(w.gate_rate) },
  { title: 'drift (share)', right: false, cell: (w) => driftCell(w.drift) },
  { title: 'drifted columns', right: false, cell: (w) => driftedColumnsCell(w.drift) },
];

/** The table, a header line and one line per window, each ending in a newline. */
export function windowsTable(windows: readonly MonitoringWindow[]): string {
  const rows = [COLUMNS.map((c) => c.title), ...windows.map((w) => COLUMNS.map((c) => c.cell(w)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] as number;
        return (COLUMNS[i] as Column).right ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return rows.map((r) => `${line(r)}\n`).join('');
}
