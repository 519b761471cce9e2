/**
 * Drift of one window against the model version's reference, with
 * Evidently's choice of test: for numeric columns the two-sample K-S test
 * (drift at p < 0.05) while the reference has at most 1,000 values, the
 * Wasserstein distance normalised by the reference's spread (drift at >= 0.1)
 * above that; for categories the chi-squared test (p < 0.05), or the
 * Jensen-Shannon distance (>= 0.1) above 1,000 reference values. The window is
 * known only as histograms over the reference's bins (its profile), so the
 * K-S statistic is the largest gap between the CDFs at bin edges: never more
 * than the unbinned one, so binning cannot raise a false alarm.
 */
import { chiSquaredTest } from '../../../src/core/stats/chi-squared';
import { jensenShannonDistance } from '../../../src/core/stats/jensen-shannon';
import { ksFromCounts } from '../../../src/core/stats/ks';
import { wassersteinFromCounts } from '../../../src/core/stats/wasserstein';
import { referenceBin } from '../../../src/core/manifest';
import type { ProfileLayout } from '../layout';

/** Evidently's switch from a statistical test to a distance. */
export const LARGE_REFERENCE = 1000;
export const P_VALUE_THRESHOLD = 0.05;
export const DISTANCE_THRESHOLD = 0.1;
/** Evidently's default: the dataset drifts when at least this share of its columns do. */
export const DATASET_DRIFT_SHARE = 0.5;
/** Fewer values than this in a window: no drift verdict for it. */
export const MIN_DRIFT_VALUES = 10;

export interface ColumnDrift {
  readonly name: string;
  readonly test: 'ks' | 'wasserstein' | 'chi_squared' | 'jensen_shannon';
  readonly statistic: number;
  readonly p_value: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
}

export interface WindowDrift {
  readonly features: ColumnDrift[];
  readonly drifted_share: number;
  readonly dataset_drift: boolean;
}

/** What a window's profile holds for drift. */
export interface DriftCounts {
  readonly labelCounts: readonly number[];
  readonly confidenceHist: readonly number[];
  readonly featureHist: readonly number[];
}

const countsOf = (edges: readonly number[], values: readonly number[]) => {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    const bin = referenceBin(edges, v);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
};
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function spread(values: readonly number[]): number {
  const mean = sum(values) / values.length;
  return Math.sqrt(sum(values.map((v) => (v - mean) ** 2)) / values.length);
}

/** Where each bin sits for a distance: its middle, or its one finite edge at the ends. */
const binPoints = (edges: readonly number[]) =>
  Array.from({ length: edges.length + 1 }, (_, i) =>
    i === 0 ? (edges[0] as number) : i === edges.length ? (edges[i - 1] as number) : ((edges[i - 1] as number) + (edges[i] as number)) / 2,
  );

function numericDrift(name: string, edges: readonly number[], referenceValues: readonly number[], current: readonly number[]): ColumnDrift {
  const reference = countsOf(edges, referenceValues);
  if (referenceValues.length <= LARGE_REFERENCE) {
    const { statistic, pValue } = ksFromCounts(reference, current);
    return { name, test: 'ks', statistic, p_value: pValue, threshold: P_VALUE_THRESHOLD, drifted: pValue < P_VALUE_THRESHOLD };
  }
  const scale = spread(referenceValues) || 1;
  const statistic = wassersteinFromCounts(binPoints(edges), reference, current) / scale;
  return { name, test: 'wasserstein', statistic, p_value: null, threshold: DISTANCE_THRESHOLD, drifted: statistic >= DISTANCE_THRESHOLD };
}

function categoricalDrift(name: string, reference: readonly number[], current: readonly number[]): ColumnDrift {
  if (sum(reference) <= LARGE_REFERENCE) {
    const { statistic, pValue } = chiSquaredTest(reference, current);
    return { name, test: 'chi_squared', statistic, p_value: pValue, threshold: P_VALUE_THRESHOLD, drifted: pValue < P_VALUE_THRESHOLD };
  }
  const statistic = jensenShannonDistance(reference, current);
  return { name, test: 'jensen_shannon', statistic, p_value: null, threshold: DISTANCE_THRESHOLD, drifted: statistic >= DISTANCE_THRESHOLD };
}

/** The window's drift per input feature, predicted label and confidence; null without a reference or enough values. */
export function windowDrift(layout: ProfileLayout, counts: DriftCounts): WindowDrift | null {
  const reference = layout.reference;
  if (!reference || sum(counts.labelCounts) < MIN_DRIFT_VALUES) return null;
  const columns: ColumnDrift[] = [];
  for (const feature of layout.features) {
    const current = counts.featureHist.slice(feature.offset, feature.offset + feature.edges.length + 1);
    const values = reference.features.find((f) => f.name === feature.name)?.values ?? [];
    if (current.length === feature.edges.length + 1 && sum(current) >= MIN_DRIFT_VALUES && values.length > 0) {
      columns.push(numericDrift(feature.name, feature.edges, values, current));
    }
  }
  columns.push(categoricalDrift('predicted_label', reference.label_distribution, counts.labelCounts));
  columns.push(numericDrift('confidence', layout.confidenceEdges, reference.confidence.values, counts.confidenceHist));
  const drifted = columns.filter((c) => c.drifted).length;
  const share = drifted / columns.length;
  return { features: columns, drifted_share: share, dataset_drift: share >= DATASET_DRIFT_SHARE };
}
