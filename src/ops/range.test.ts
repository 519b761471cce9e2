/**
 * The span the dashboard asks for ends with the window in progress and is
 * aligned on the window size, as the alert rules align theirs; windows that
 * would be too many, or larger than the range, are not offered.
 */
import { describe, expect, it } from 'vitest';
import { fits, fittingWindow, spanAt } from './range';

describe('spanAt', () => {
  it('ends at the end of the window in progress and covers the range', () => {
    const now = Date.parse('2026-12-05T14:42:31.250Z');
    expect(spanAt('1h', '1m', now)).toEqual({ from: '2026-12-05T13:43:00.000Z', to: '2026-12-05T14:43:00.000Z' });
    expect(spanAt('24h', '1h', now)).toEqual({ from: '2026-12-04T15:00:00.000Z', to: '2026-12-05T15:00:00.000Z' });
    expect(spanAt('30d', '1d', now)).toEqual({ from: '2026-11-06T00:00:00.000Z', to: '2026-12-06T00:00:00.000Z' });
  });

  it('counts a window starting now as in progress', () => {
    expect(spanAt('1h', '5m', Date.parse('2026-12-05T14:45:00.000Z')).to).toBe('2026-12-05T14:50:00.000Z');
  });
});

describe('fits', () => {
  it('refuses windows larger than the range or more than 1440 of them', () => {
    expect(fits('1h', '1m')).toBe(true);
    expect(fits('24h', '1m')).toBe(true);
    expect(fits('7d', '1m')).toBe(false);
    expect(fits('7d', '5m')).toBe(false);
    expect(fits('1h', '1d')).toBe(false);
    expect(fittingWindow('7d', '1m')).toBe('1h');
    expect(fittingWindow('1h', '1d')).toBe('1m');
    expect(fittingWindow('24h', '1h')).toBe('1h');
  });
});
