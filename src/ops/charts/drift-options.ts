/**
 * The drift heat strip: one row per drift column (input features, predicted
 * label, confidence), one cell per window, coloured by how close its test came
 * to the drift threshold and in the strongest colour where it drifted. Drawn
 * on uPlot's canvas over the same time axis as the accuracy chart.
 */
import type uPlot from 'uplot';
import type { MonitoringWindow } from '../api';
import { mix, type Palette } from '../hooks/use-palette';
import { seconds } from './axes';
import type { ChartOptions } from './UPlotChart';

type ColumnDrift = NonNullable<MonitoringWindow['drift']>['features'][number];

/**
 * How close a column came to drifting, 0 to 1 (1: at or past the threshold).
 * p-value tests (K-S, chi-squared) drift below their threshold, distances
 * (Wasserstein, Jensen-Shannon) at or above it.
 */
export function closeness(column: ColumnDrift): number {
  if (column.test === 'ks' || column.test === 'chi_squared') {
    if (column.p_value === null) return 0;
    return Math.min(1, column.threshold / Math.max(column.p_value, 1e-12));
  }
  return column.threshold > 0 ? Math.min(1, column.statistic / column.threshold) : 0;
}

export function driftColour(column: ColumnDrift | undefined, palette: Palette): string {
  if (!column) return palette.card;
  return column.drifted ? palette.driftDrifted : mix(palette.driftNone, palette.driftNear, closeness(column));
}

/** The drift columns of the windows, in the order the server gives them. */
export function driftColumns(windows: readonly MonitoringWindow[]): string[] {
  const names: string[] = [];
  for (const w of windows) for (const f of w.drift?.features ?? []) if (!names.includes(f.name)) names.push(f.name);
  return names;
}

export interface DriftChart {
  readonly options: ChartOptions;
  readonly data: uPlot.AlignedData;
  readonly rows: number;
}

export function driftChart(windows: readonly MonitoringWindow[], span: { from: string; to: string }, palette: Palette): DriftChart {
  const names = driftColumns(windows);
  // The first column on top.
  const row = (i: number) => names.length - 1 - i;
  const draw = (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    for (const w of windows) {
      const x0 = u.valToPos(seconds(w.start), 'x', true);
      const x1 = u.valToPos(seconds(w.end), 'x', true);
      names.forEach((name, i) => {
        const top = u.valToPos(row(i) + 0.5, 'column', true);
        const bottom = u.valToPos(row(i) - 0.5, 'column', true);
        ctx.fillStyle = driftColour(
          w.drift?.features.find((f) => f.name === name),
          palette,
        );
        ctx.fillRect(x0, top + 1, Math.max(2, x1 - x0 - 1), Math.max(1, bottom - top - 2));
      });
    }
    ctx.restore();
  };
  const longest = Math.max(4, ...names.map((n) => n.length));
  const axis = { stroke: palette.text, ticks: { stroke: palette.grid, width: 1 }, font: '12px system-ui, sans-serif' };
  const options: ChartOptions = {
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: true, range: [seconds(span.from), seconds(span.to)] },
      column: { range: [-0.5, Math.max(0, names.length - 0.5)] },
    },
    axes: [
      { ...axis, grid: { show: false } },
      {
        ...axis,
        scale: 'column',
        grid: { show: false },
        size: Math.min(140, 12 + longest * 7),
        splits: () => names.map((_, i) => row(i)),
        values: (_u, splits) => splits.map((v) => names[names.length - 1 - v] ?? ''),
      },
    ],
    series: [{}, { label: 'drift', scale: 'column', paths: () => null, points: { show: false } }],
    hooks: { draw: [draw] },
  };
  return { options, data: [windows.map((w) => seconds(w.start)), windows.map(() => null)], rows: names.length };
}
