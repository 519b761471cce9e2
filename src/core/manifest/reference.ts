/**
 * A model version's reference statistics (public/models/<name>/<version>/reference.json):
 * what its inputs, confidences and answers look like on data like its training
 * data. Drift is measured against these distributions, and the calibration
 * turns live confidences into an accuracy estimate before labels arrive.
 *
 * Histogram convention, for every `edges` list: bins are (-inf, e0), [e0, e1),
 * ..., [e_last, inf), so edges.length + 1 bins; `referenceBin` implements it.
 */
import { z } from 'zod';

const finite = z.number().finite();

const ascendingEdges = z
  .array(finite)
  .min(1)
  .refine((edges) => edges.every((e, i) => i === 0 || e > (edges[i - 1] as number)), 'expected strictly ascending bin edges');

/** One summarised quantity: its value on each input of the split, in split order, and its bin edges. */
export const ReferenceDistributionSchema = z.object({
  values: z.array(finite).min(1),
  edges: ascendingEdges,
});

// Name first: parsing rebuilds objects in schema order, and the file should read name, description, values, edges.
export const ReferenceFeatureSchema = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  ...ReferenceDistributionSchema.shape,
});

export const IsotonicCalibrationSchema = z
  .object({
    method: z.literal('isotonic'),
    x: z.array(finite).min(1),
    y: z.array(z.number().min(0).max(1)).min(1),
  })
  .superRefine((c, ctx) => {
    if (c.x.length !== c.y.length) ctx.addIssue({ code: 'custom', path: ['y'], message: `${c.y.length} values for ${c.x.length} breakpoints` });
    if (!c.x.every((v, i) => i === 0 || v > (c.x[i - 1] as number)))
      ctx.addIssue({ code: 'custom', path: ['x'], message: 'expected strictly ascending breakpoints' });
    if (!c.y.every((v, i) => i === 0 || v >= (c.y[i - 1] as number))) ctx.addIssue({ code: 'custom', path: ['y'], message: 'expected non-decreasing values' });
  });

const counts = z.array(z.number().int().min(0));

export const ReferenceSchema = z
  .object({
    schema_version: z.literal(1),
    model: z.string().min(1),
    version: z.string().min(1),
    split: z.literal('validation'),
    count: z.number().int().positive(),
    /** The model's labels, in output order: the distributions below follow it. */
    labels: z.array(z.string().min(1)).min(2),
    features: z.array(ReferenceFeatureSchema).min(1),
    /** Top probability per input. */
    confidence: ReferenceDistributionSchema,
    /** How often each label was predicted, in label order. */
    label_distribution: counts,
    true_label_distribution: counts,
    accuracy: z.number().min(0).max(1),
    /** Edge model: share of inputs on which its gate fires; null for a model without a gate. */
    gate_rate: z.number().min(0).max(1).nullable(),
    /** P(correct | top probability), fitted on this split. */
    calibration: IsotonicCalibrationSchema,
    /** Mean calibrated confidence on this split: the label-free estimate, to compare with accuracy. */
    estimated_accuracy: z.number().min(0).max(1),
  })
  .superRefine((ref, ctx) => {
    const sized = (path: (string | number)[], length: number, expected: number, what: string) => {
      if (length !== expected) ctx.addIssue({ code: 'custom', path, message: `${length} ${what} for ${expected}` });
    };
    ref.features.forEach((f, i) => sized(['features', i, 'values'], f.values.length, ref.count, 'values, count is'));
    sized(['confidence', 'values'], ref.confidence.values.length, ref.count, 'values, count is');
    for (const key of ['label_distribution', 'true_label_distribution'] as const) {
      sized([key], ref[key].length, ref.labels.length, 'counts for labels:');
      const total = ref[key].reduce((s, n) => s + n, 0);
      if (total !== ref.count) ctx.addIssue({ code: 'custom', path: [key], message: `counts sum to ${total}, count is ${ref.count}` });
    }
    const names = ref.features.map((f) => f.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['features'], message: 'feature names repeat' });
  });

export type Reference = z.infer<typeof ReferenceSchema>;
export type ReferenceDistribution = z.infer<typeof ReferenceDistributionSchema>;

/**
 * A number rounded to six significant digits, as reference values are stored
 * (never -0). Live values are rounded the same way before they are binned, so
 * a value that sits on a bin edge falls on the same side as in the reference.
 */
export function round6(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`cannot summarise ${value}`);
  const rounded = Number(value.toPrecision(6));
  return rounded === 0 ? 0 : rounded;
}

/** The histogram bin of a value under the reference convention: the number of edges at or below it. */
export function referenceBin(edges: readonly number[], value: number): number {
  // Binary search: the first edge above the value.
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((edges[mid] as number) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
