/**
 * The accuracy chart's series and axes: per window, the labelled count as bars
 * (right axis), accuracy with its Wilson 95% interval as a band and as
 * whiskers (a lone window has no band), and the estimated accuracy (CBPE) as
 * a dashed line, over the whole selected range.
 */
import uPlot from 'uplot';
import type { MonitoringWindow } from '../api';
import type { Palette } from '../hooks/use-palette';
import { axisStyle, percents, seconds } from './axes';
import type { ChartOptions } from './UPlotChart';

export interface AccuracyChart {
  readonly options: ChartOptions;
  readonly data: uPlot.AlignedData;
}

/** Series indices: 1 labelled, 2 accuracy, 3 low, 4 high, 5 estimated. */
export function accuracyChart(windows: readonly MonitoringWindow[], span: { from: string; to: string }, palette: Palette): AccuracyChart {
  const data: uPlot.AlignedData = [
    windows.map((w) => seconds(w.start)),
    windows.map((w) => w.labelled),
    windows.map((w) => w.accuracy?.value ?? null),
    windows.map((w) => w.accuracy?.low ?? null),
    windows.map((w) => w.accuracy?.high ?? null),
    windows.map((w) => w.estimated_accuracy),
  ];
  const lowest = Math.min(1, ...windows.flatMap((w) => [w.accuracy?.low ?? 1, w.estimated_accuracy ?? 1]));
  const floor = Math.max(0, Math.floor((lowest - 0.02) * 20) / 20);
  /** The interval of each window with an accuracy, as a vertical line with caps. */
  const whiskers = (u: uPlot) => {
    const { ctx } = u;
    const cap = 4 * uPlot.pxRatio;
    ctx.save();
    ctx.strokeStyle = palette.accuracy;
    ctx.lineWidth = uPlot.pxRatio;
    windows.forEach((w) => {
      if (!w.accuracy) return;
      const x = u.valToPos(seconds(w.start), 'x', true);
      const [low, high] = [u.valToPos(w.accuracy.low, 'share', true), u.valToPos(w.accuracy.high, 'share', true)];
      ctx.beginPath();
      ctx.moveTo(x, low);
      ctx.lineTo(x, high);
      ctx.moveTo(x - cap, low);
      ctx.lineTo(x + cap, low);
      ctx.moveTo(x - cap, high);
      ctx.lineTo(x + cap, high);
      ctx.stroke();
    });
    ctx.restore();
  };
  const axis = axisStyle(palette);
  const options: ChartOptions = {
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: true, range: [seconds(span.from), seconds(span.to)] },
      share: { range: [floor, 1] },
      n: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1) * 1.15] },
    },
    axes: [
      { ...axis },
      { ...axis, scale: 'share', values: percents, size: 48 },
      { ...axis, scale: 'n', side: 1, grid: { show: false }, stroke: palette.muted, size: 44 },
    ],
    series: [
      {},
      {
        label: 'labelled',
        scale: 'n',
        stroke: palette.labelled,
        fill: palette.labelled,
        paths: uPlot.paths.bars?.({ size: [0.6, 24] }),
        points: { show: false },
      },
      { label: 'accuracy', scale: 'share', stroke: palette.accuracy, width: 2, points: { show: true, size: 6, fill: palette.accuracy } },
      { label: 'interval low', scale: 'share', stroke: 'transparent', points: { show: false } },
      { label: 'interval high', scale: 'share', stroke: 'transparent', points: { show: false } },
      {
        label: 'estimated accuracy',
        scale: 'share',
        stroke: palette.estimate,
        width: 2,
        dash: [6, 4],
        points: { show: true, size: 4, fill: palette.estimate },
      },
    ],
    bands: [{ series: [4, 3], fill: palette.band }],
    hooks: { draw: [whiskers] },
  };
  return { options, data };
}
