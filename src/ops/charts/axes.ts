/** What the dashboard's time charts share: times in uPlot's seconds, percentage ticks, the axes' look. */
import type uPlot from 'uplot';
import type { Palette } from '../hooks/use-palette';

/** An ISO time as uPlot's x value. */
export const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Axis labels as percentages. */
export const percents = (_u: uPlot, splits: number[]) => splits.map((v) => `${Math.round(v * 100)}%`);

/** The look of every axis: text, grid and ticks in the palette's colours. */
export const axisStyle = (palette: Palette) => ({
  stroke: palette.text,
  grid: { stroke: palette.grid, width: 1 },
  ticks: { stroke: palette.grid, width: 1 },
  font: '12px system-ui, sans-serif',
});
