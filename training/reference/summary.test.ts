/**
 * Rounding and quantile edges: six significant digits, no -0, edges that are
 * data values, ascending, with ties merged; and the fixed file layout.
 */
import { describe, expect, it } from 'vitest';
import { referenceBin, type Reference } from '../../src/core/manifest';
import { distribution, EDGE_COUNT, quantileEdges, round6 } from './summary';
import { formatReference } from './write';

describe('round6', () => {
  it('keeps six significant digits and one zero', () => {
    expect([0.123456789, 123456.789, 0.99999994, 1.5e-7, -0].map(round6)).toEqual([0.123457, 123457, 1, 1.5e-7, 0]);
    expect(Object.is(round6(-1e-300 * 1e-300), 0)).toBe(true);
  });

  it('refuses what is not a finite number', () => {
    expect(() => round6(Number.NaN)).toThrow(RangeError);
  });
});

describe('quantileEdges', () => {
  it('splits distinct values into bins of about equal mass', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000); // 0..999, shuffled
    const edges = quantileEdges(values);
    expect(edges).toHaveLength(EDGE_COUNT);
    const bins = new Array<number>(edges.length + 1).fill(0);
    for (const v of values) bins[referenceBin(edges, v)]! += 1;
    for (const n of bins) expect(Math.abs(n - 1000 / (EDGE_COUNT + 1))).toBeLessThanOrEqual(1);
  });

  it('merges ties into one edge, so a discrete or constant feature keeps few bins', () => {
    expect(quantileEdges([3, 3, 3])).toEqual([3]);
    const edges = quantileEdges([...new Array<number>(900).fill(1), ...Array.from({ length: 100 }, (_, i) => i / 100)]);
    expect(edges.at(-1)).toBe(1);
    expect(edges.every((e, i) => i === 0 || e > (edges[i - 1] as number))).toBe(true);
  });

  it('takes edges from the rounded values it is given', () => {
    const { values, edges } = distribution([0.1234567, 0.7654321, 0.5]);
    expect(values).toEqual([0.123457, 0.765432, 0.5]);
    expect(edges.every((e) => values.includes(e))).toBe(true);
  });
});

describe('formatReference', () => {
  it('writes 2-space JSON with plain lists on one line and a final newline', () => {
    const text = formatReference({
      schema_version: 1,
      labels: ['a', 'b'],
      features: [{ name: 'f', values: [1, 0.5] }],
      gate_rate: null,
    } as unknown as Reference);
    expect(text).toBe(
      '{\n  "schema_version": 1,\n  "labels": ["a", "b"],\n  "features": [\n    {\n      "name": "f",\n      "values": [1, 0.5]\n    }\n  ],\n  "gate_rate": null\n}\n',
    );
    expect(JSON.parse(text)).toEqual({ schema_version: 1, labels: ['a', 'b'], features: [{ name: 'f', values: [1, 0.5] }], gate_rate: null });
  });
});
