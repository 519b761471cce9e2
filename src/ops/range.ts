/**
 * Time ranges and windows the dashboard offers, and the span it asks the
 * monitoring routes for: windows aligned on multiples of their size since the
 * epoch (as the alert rules judge them), the last one the window in progress.
 */
import { WINDOW_NAMES } from '../core/api/evaluation';
import type { WindowName } from './api';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const WINDOW_MS: Readonly<Record<WindowName, number>> = { '1m': MINUTE, '5m': 5 * MINUTE, '1h': HOUR, '1d': DAY };
export const WINDOWS: readonly WindowName[] = WINDOW_NAMES;

export const RANGES = [
  { id: '1h', label: 'last hour', ms: HOUR },
  { id: '6h', label: 'last 6 hours', ms: 6 * HOUR },
  { id: '24h', label: 'last 24 hours', ms: DAY },
  { id: '7d', label: 'last 7 days', ms: 7 * DAY },
  { id: '30d', label: 'last 30 days', ms: 30 * DAY },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

/** Windows on one chart at most: more would be thinner than a pixel on a phone. */
export const MAX_CHART_WINDOWS = 1440;

export function rangeMs(range: RangeId): number {
  return RANGES.find((r) => r.id === range)?.ms ?? DAY;
}

/** Whether a window size makes sense over a range: no larger than it, and not too many of them. */
export function fits(range: RangeId, window: WindowName): boolean {
  const size = WINDOW_MS[window];
  return size <= rangeMs(range) && rangeMs(range) / size <= MAX_CHART_WINDOWS;
}

/** The window size to use over a range: the one asked for if it fits, else the smallest that does. */
export function fittingWindow(range: RangeId, window: WindowName): WindowName {
  return fits(range, window) ? window : (WINDOWS.find((w) => fits(range, w)) ?? '1d');
}

export interface Span {
  readonly from: string;
  readonly to: string;
}

/** The range ending with the window in progress at `now`; every range is a whole number of every window that fits it. */
export function spanAt(range: RangeId, window: WindowName, now: number): Span {
  const size = WINDOW_MS[window];
  const to = Math.ceil((now + 1) / size) * size;
  return { from: new Date(to - rangeMs(range)).toISOString(), to: new Date(to).toISOString() };
}
