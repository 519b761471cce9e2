/**
 * How one model version's window profiles are laid out: its labels, the bins
 * of its confidence and input-feature histograms, and the calibration that
 * turns a confidence into a probability of being right (CBPE). All of it comes
 * from the version's reference file, so profiles written by any replica line
 * up; a version without one still gets counts, labels and confidences.
 */
import { handwritingFeatures, FEATURE_NAMES } from '../../src/core/features/handwriting';
import { referenceBin, round6, type ModelEntry } from '../../src/core/manifest';
import { predictIsotonic, type IsotonicModel } from '../../src/core/stats/isotonic';

/** What a layout needs from a reference file (see src/core/manifest/reference.ts). */
export interface LayoutReference {
  readonly features: readonly { readonly name: string; readonly values: readonly number[]; readonly edges: readonly number[] }[];
  readonly confidence: { readonly values: readonly number[]; readonly edges: readonly number[] };
  readonly label_distribution: readonly number[];
  readonly gate_rate: number | null;
  readonly calibration: IsotonicModel;
  readonly estimated_accuracy: number;
}

export interface ProfileLayout {
  readonly model: string;
  readonly version: string;
  readonly labels: readonly string[];
  readonly labelIndex: ReadonlyMap<string, number>;
  /** The index of the reject label ("not a digit"); -1 for a model without one. */
  readonly rejectIndex: number;
  readonly confidenceEdges: readonly number[];
  /** The reference's features, each with its bins' offset in the flat feature histogram. */
  readonly features: readonly { readonly name: string; readonly edges: readonly number[]; readonly offset: number }[];
  readonly featureBins: number;
  /** Height and width of a single-channel image input, when the model takes one (features need it). */
  readonly image: { readonly height: number; readonly width: number } | undefined;
  readonly reference: LayoutReference | undefined;
}

/** Without a reference, confidences fall in twenty equal bins. */
const DEFAULT_CONFIDENCE_EDGES = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);

/** The bin of a live value among a reference's edges: rounded as reference values are, then binned by the reference convention. */
export function binOf(edges: readonly number[], value: number): number {
  return referenceBin(edges, round6(value));
}

export function profileLayout(entry: ModelEntry, reference: LayoutReference | undefined): ProfileLayout {
  const shape = entry.inputs[0]?.shape ?? [];
  // One channel of H x W after the batch axis ([-1, 1, H, W] or [-1, H, W]).
  const dims = shape.slice(1).filter((d, i, all) => !(i === 0 && d === 1 && all.length === 3));
  const image = dims.length === 2 && dims.every((d) => d > 0) ? { height: dims[0] as number, width: dims[1] as number } : undefined;
  let offset = 0;
  const features = (image && reference ? reference.features : []).map((f) => {
    const placed = { name: f.name, edges: f.edges, offset };
    offset += f.edges.length + 1;
    return placed;
  });
  return {
    model: entry.name,
    version: entry.version,
    labels: entry.labels,
    labelIndex: new Map(entry.labels.map((label, i) => [label, i])),
    rejectIndex: entry.reject_label === undefined ? -1 : entry.labels.indexOf(entry.reject_label),
    confidenceEdges: reference?.confidence.edges ?? DEFAULT_CONFIDENCE_EDGES,
    features,
    featureBins: offset,
    image,
    reference,
  };
}

/** P(right | confidence) from the reference's calibration; without one, the confidence itself. */
export function calibrated(layout: ProfileLayout, confidence: number): number {
  return layout.reference ? predictIsotonic(layout.reference.calibration, confidence) : confidence;
}

/** The layout's features of one input (ink in [0, 1]), in layout order; undefined when the model takes no image. */
export function featuresOf(layout: ProfileLayout, input: ArrayLike<number>): number[] | undefined {
  if (!layout.image || layout.features.length === 0) return undefined;
  const values = handwritingFeatures(input, layout.image.height, layout.image.width);
  return layout.features.map((f) => values[FEATURE_NAMES.indexOf(f.name as (typeof FEATURE_NAMES)[number])] ?? NaN);
}
