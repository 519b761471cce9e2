/**
 * Reads Prometheus text (`/metrics`): samples with their labels, and
 * quantiles of a histogram from its cumulative buckets, interpolated within
 * the bucket as Prometheus's histogram_quantile does.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Parses `{a="x",b="y"}` starting at `text[0] === '{'`; returns the labels and the rest of the line. */
function parseLabels(text: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
  pattern.lastIndex = 1;
  for (;;) {
    if (text[pattern.lastIndex] === '}') return { labels, rest: text.slice(pattern.lastIndex + 1) };
    const match = pattern.exec(text);
    if (!match) throw new Error(`metrics: cannot read the labels of ${JSON.stringify(text.slice(0, 80))}`);
    labels[match[1] ?? ''] = unescape(match[2] ?? '');
  }
}

function parseValue(text: string): number {
  const value = text.trim().split(/\s+/)[0] ?? '';
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number(value);
}

/** Every sample of the text; comments and blank lines are skipped. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) continue;
    const after = line.slice(name.length);
    const { labels, rest } = after.startsWith('{') ? parseLabels(after) : { labels: {}, rest: after };
    const value = parseValue(rest);
    if (!Number.isNaN(value)) samples.push({ name, labels, value });
  }
  return samples;
}

export interface Bucket {
  /** Upper bound (`le`), Infinity for the last. */
  readonly le: number;
  /** Observations at or below it (cumulative). */
  readonly count: number;
}

/**
 * The q-quantile (0 < q < 1) of a histogram's cumulative buckets, linear within
 * the bucket it falls in; null without observations. A quantile in the +Inf
 * bucket is the largest finite bound, as Prometheus answers.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      return inBucket <= 0 ? bucket.le : lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
