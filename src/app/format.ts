/** How numbers are shown in the interface: percentages, latencies and download sizes. */
export const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
export const milliseconds = (ms: number) => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
/** A label as the interface says it: the pack's reject label reads "not a digit". */
export const labelText = (label: string, rejectLabel: string | undefined) => (label === rejectLabel ? 'not a digit' : label);
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
