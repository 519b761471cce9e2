/**
 * How the reference file summarises a list of numbers: values rounded to six
 * significant digits (enough for any histogram, and the same text on every
 * machine) and quantile bin edges for the windowed histograms drift is
 * measured with.
 */
import { round6, type ReferenceDistribution } from '../../src/core/manifest';

export { round6 };

/** Quantile edges per distribution before ties are merged: 41 bins of about 2.4% of the reference each. */
export const EDGE_COUNT = 40;

/**
 * Quantile edges of the values, strictly ascending: for q = i/(EDGE_COUNT+1),
 * the sorted value at rank floor(q·n). Edges are values of the data rather
 * than interpolations so that ties (discrete features such as a box width in
 * whole pixels) stay in one bin; repeated edges are merged.
 */
export function quantileEdges(values: readonly number[], count = EDGE_COUNT): number[] {
  if (values.length === 0) throw new RangeError('no values to take quantiles of');
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i <= count; i++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((i / (count + 1)) * sorted.length))] as number;
    if (edges.length === 0 || edge > (edges.at(-1) as number)) edges.push(edge);
  }
  return edges;
}

/** Values rounded, in their order, with the edges of the rounded values (what the file holds is what the edges describe). */
export function distribution(values: readonly number[]): ReferenceDistribution {
  const rounded = values.map(round6);
  return { values: rounded, edges: quantileEdges(rounded) };
}
