/** How numbers and labels are shown in the interface: percentages, latencies, download sizes, times. */
export const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/**
 * A probability as a whole percentage, never rounded to a certainty it is
 * not: "<1%" above zero, ">99%" below one.
 */
export function roundedPercent(x: number): string {
  if (x > 0 && x < 0.005) return '<1%';
  if (x < 1 && x >= 0.995) return '>99%';
  return `${Math.round(x * 100)}%`;
}

export const milliseconds = (ms: number) => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);

/** A wait as a person reads it: milliseconds, seconds, then minutes. */
export function duration(ms: number): string {
  if (ms < 1000) return milliseconds(ms);
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.round(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/** A label as the interface says it: the pack's reject label reads "not a digit". */
export const labelText = (label: string, rejectLabel: string | undefined) => (label === rejectLabel ? 'not a digit' : label);

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A time of day, to the minute. */
export const clockTime = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
