/** What demo:loop prints: events with the time since the start, and accuracy by phase and answering version. */

export class Timeline {
  readonly start = Date.now();
  /** Records an event and prints it at once (the demo runs for minutes). */
  event(text: string): void {
    const line = `${((Date.now() - this.start) / 1000).toFixed(1).padStart(7)} s  ${text}`;
    console.log(line);
  }
}

export class Tally {
  private readonly counts = new Map<string, { right: number; total: number }>();

  add(phase: string, version: string, right: boolean): void {
    const key = `${phase}\u0000${version}`;
    const count = this.counts.get(key) ?? { right: 0, total: 0 };
    count.total += 1;
    if (right) count.right += 1;
    this.counts.set(key, count);
  }

  /** The share right of the digits of `phase` answered by `version` (NaN when none were). */
  accuracy(phase: string, version: string): number {
    const count = this.counts.get(`${phase}\u0000${version}`);
    return count ? count.right / count.total : NaN;
  }

  /** Accuracy of the stream by phase and the version that answered. */
  table(): string {
    const rows = [...this.counts].map(([key, { right, total }]) => {
      const [phase, version] = key.split('\u0000');
      return `  ${(phase ?? '').padEnd(15)} answered by version ${(version ?? '').padEnd(3)} ${String(total).padStart(6)} digits  ${((right / total) * 100).toFixed(2).padStart(6)}%`;
    });
    return `\naccuracy on the stream (answers against the late labels):\n${rows.join('\n')}`;
  }
}
