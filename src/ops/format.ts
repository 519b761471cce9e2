/** How the dashboard writes numbers, shares, durations and times. */

const DASH = '—';

/** A share as a percentage with one decimal: 0.9234 → "92.3%". */
export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : `${(value * 100).toFixed(digits)}%`;
}

/** "1 window", "3 windows". */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : value.toLocaleString('en-US');
}

/** A rate per second: two significant figures below 10, whole numbers above. */
export function perSecond(value: number | null): string {
  if (value === null) return DASH;
  return `${value < 10 ? value.toPrecision(2) : Math.round(value).toLocaleString('en-US')}/s`;
}

/** Seconds as milliseconds: "0.42 ms", "12 ms". */
export function milliseconds(seconds: number | null): string {
  if (seconds === null) return DASH;
  const ms = seconds * 1000;
  return `${ms < 10 ? ms.toFixed(2) : Math.round(ms).toLocaleString('en-US')} ms`;
}

const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const FULL = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** A window's start in local time: the time alone within a day, with the date over longer ranges. */
export function windowTime(iso: string, withDate: boolean): string {
  return (withDate ? DATE_TIME : TIME).format(new Date(iso));
}

export function fullTime(iso: string | null | undefined): string {
  return iso ? FULL.format(new Date(iso)) : DASH;
}
