/** How numbers are shown in the interface: percentages, latencies and download sizes. */
export const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
export const milliseconds = (ms: number) => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
