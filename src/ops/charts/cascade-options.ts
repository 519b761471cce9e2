/**
 * The cascade chart's series and axes: per window of the edge answers' time,
 * the escalation rate (edge answers sent to the cloud) and the revision rate
 * (cloud answers that changed the edge's) as lines on one percentage axis,
 * over the whole selected range.
 */
import type uPlot from 'uplot';
import type { Cascade } from '../api';
import type { Palette } from '../hooks/use-palette';
import { axisStyle, percents, seconds } from './axes';
import type { ChartOptions } from './UPlotChart';

type CascadePoint = NonNullable<Cascade['series']>[number];

export interface CascadeChart {
  readonly options: ChartOptions;
  readonly data: uPlot.AlignedData;
}

/** Series indices: 1 escalation rate, 2 revision rate. */
export function cascadeChart(points: readonly CascadePoint[], span: { from: string; to: string }, palette: Palette): CascadeChart {
  const data: uPlot.AlignedData = [points.map((p) => seconds(p.start)), points.map((p) => p.escalated_share), points.map((p) => p.revised_share)];
  const axis = axisStyle(palette);
  const options: ChartOptions = {
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: { x: { time: true, range: [seconds(span.from), seconds(span.to)] }, share: { range: [0, 1] } },
    axes: [{ ...axis }, { ...axis, scale: 'share', values: percents, size: 48 }],
    series: [
      {},
      { label: 'escalation rate', scale: 'share', stroke: palette.accuracy, width: 2, points: { show: true, size: 6, fill: palette.accuracy } },
      { label: 'revision rate', scale: 'share', stroke: palette.estimate, width: 2, dash: [6, 4], points: { show: true, size: 5, fill: palette.estimate } },
    ],
  };
  return { options, data };
}
