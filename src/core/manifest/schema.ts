/**
 * The model pack's manifest (public/models/manifest.json): what each model is,
 * where its file is, what goes in and out, how inputs are prepared, how well
 * it did on the held-out split and, for the edge model, when its gate fires.
 */
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');
const dimension = z
  .number()
  .int()
  .refine((d) => d === -1 || d > 0, 'expected a positive size or -1 for a variable axis');

export const TensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32']),
  shape: z.array(dimension).min(1),
});

export const HeldoutMetricsSchema = z.object({
  split: z.literal('heldout'),
  count: z.number().int().positive(),
  accuracy: z.number().min(0).max(1),
});

const probability = z.number().min(0).max(1);

/**
 * For a model with a reject class ("not a digit"): the edge answers the reject
 * label itself when its probability reaches `answer_at` (never, without one),
 * and the full model is asked when it reaches `escalate_at` (an input the
 * small model finds unusual).
 */
export const RejectGateSchema = z.object({
  on: z.literal('reject_probability'),
  escalate_at: probability,
  answer_at: probability.optional(),
});

/** A gate rule's outcome on the validation negatives (drawings of the training kinds, never trained on). */
export const NegativeFiguresSchema = z.object({
  count: z.number().int().positive(),
  /** Share the cascade answers with the reject label. */
  rejected: probability,
  /** Share the gate sends to the cloud model. */
  escalated: probability,
});

/** The rule as measured beside the same search with the edge never answering the reject label, and why one was taken. */
export const EdgeAnswersSchema = z.object({
  decision: z.string().min(1),
  if_cloud_answers: z.object({
    threshold: z.number().gt(0).max(1),
    escalate_at: probability,
    digits_escalated: probability,
    digits_rejected: probability,
    negatives: NegativeFiguresSchema,
  }),
});

export const GateSchema = z.object({
  /** The gate fires (the full model answers) when the top probability is below this. */
  threshold: z.number().gt(0).max(1),
  on: z.literal('max_probability'),
  reject: RejectGateSchema.optional(),
  chosen: z.object({
    split: z.literal('validation'),
    rule: z.string().min(1),
    validation: z.object({
      escalated: z.number().min(0).max(1),
      /** Share of the edge model's mistakes that the gate sends to the cloud model. */
      edge_errors_escalated: z.number().min(0).max(1),
      two_phase_accuracy: z.number().min(0).max(1),
      full_accuracy: z.number().min(0).max(1),
      /** Share of validation digits the cascade answers with the reject label. */
      digits_rejected: probability.optional(),
      negatives: NegativeFiguresSchema.optional(),
    }),
    edge_answers: EdgeAnswersSchema.optional(),
    /** The cascade on the validation digits at other thresholds (the reject rule as chosen), for a setting that moves the threshold. */
    curve: z.array(z.object({ threshold: z.number().gt(0).max(1), escalated: probability, two_phase_accuracy: probability })).optional(),
  }),
});

/** The model version's reference statistics (see reference.ts), beside its model file. */
export const ReferenceFileSchema = z.object({
  file: z.string().regex(/^[a-z0-9_-]+\/[0-9]+\/[a-z0-9_.-]+\.json$/, 'expected <name>/<version>/<file>.json'),
  sha256,
});

const count = z.number().int().nonnegative();

/**
 * How a retrained version was made (npm run models:retrain): the version it
 * was fine-tuned from, the labelled feedback it learned from, the original
 * training data mixed in, and the fresh test set kept aside (the newest
 * feedback by label time, never trained on) with both versions' accuracy on
 * it. Each side's keys are fingerprinted: sha256 of the keys joined by "\n".
 */
export const TrainingSchema = z.object({
  from_version: z.string().regex(/^[0-9]+$/, 'expected a whole number as text'),
  audit_id: z.string().min(1).optional(),
  seed: z.number().int(),
  epochs: z.number().int().positive(),
  finetune: z.object({ count, keys_sha256: sha256, until: z.iso.datetime({ offset: true }) }),
  original: z.object({ digits_per_epoch: count, negatives_per_epoch: count }),
  fresh: z.object({
    count: z.number().int().positive(),
    share: probability,
    keys_sha256: sha256,
    from: z.iso.datetime({ offset: true }),
    accuracy: probability,
    previous_accuracy: probability,
  }),
});

export const ModelEntrySchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected lowercase letters, digits, "-" or "_"'),
  version: z.string().regex(/^[0-9]+$/, 'expected a whole number as text'),
  role: z.enum(['edge', 'cloud']),
  file: z.string().regex(/^[a-z0-9_-]+\/[0-9]+\/[a-z0-9_.-]+\.onnx$/, 'expected <name>/<version>/<file>.onnx'),
  sha256,
  bytes: z.number().int().positive(),
  precision: z.enum(['fp32', 'int8']),
  parameters: z.number().int().positive(),
  inputs: z.array(TensorSpecSchema).length(1),
  outputs: z.array(TensorSpecSchema.extend({ kind: z.enum(['logits']) })).length(1),
  labels: z.array(z.string().min(1)).min(2),
  /** The label that means "none of the others" (not a digit), when the model has one. */
  reject_label: z.string().min(1).optional(),
  preprocessing: z.object({ id: z.string().min(1) }),
  metrics: z.object({ heldout: HeldoutMetricsSchema }),
  gate: GateSchema.optional(),
  reference: ReferenceFileSchema.optional(),
  training: TrainingSchema.optional(),
});

export const DatasetSchema = z.object({
  source: z.object({ package: z.string(), version: z.string(), count: z.number().int().positive() }),
  split: z.object({
    method: z.string(),
    seed: z.number().int(),
    heldoutPerClass: z.number().int().positive(),
    validationPerClass: z.number().int().positive(),
    counts: z.object({ train: z.number().int(), validation: z.number().int(), heldout: z.number().int() }),
    heldoutIndicesSha256: sha256,
    validationIndicesSha256: sha256,
  }),
});

export const ManifestSchema = z
  .object({
    schema_version: z.literal(1),
    task: z.string().min(1),
    dataset: DatasetSchema,
    models: z.array(ModelEntrySchema).min(2),
  })
  .superRefine((manifest, ctx) => {
    for (const role of ['edge', 'cloud'] as const) {
      const count = manifest.models.filter((m) => m.role === role).length;
      if (count < 1) ctx.addIssue({ code: 'custom', path: ['models'], message: `no model has role "${role}"` });
    }
    manifest.models.forEach((model, i) => {
      if (model.role === 'edge' && !model.gate) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'gate'], message: 'the edge model needs a gate' });
      }
      // Statistics of one version must not be read as another's.
      if (model.reference && !model.reference.file.startsWith(`${model.name}/${model.version}/`)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'reference', 'file'], message: `expected a file under ${model.name}/${model.version}/` });
      }
      if (model.reject_label !== undefined && !model.labels.includes(model.reject_label)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'reject_label'], message: `"${model.reject_label}" is not one of the labels` });
      }
      const reject = model.gate?.reject;
      if (reject && model.reject_label === undefined) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'gate', 'reject'], message: 'a reject gate needs the model to name its reject_label' });
      }
      if (reject?.answer_at !== undefined && reject.escalate_at > reject.answer_at) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'gate', 'reject', 'escalate_at'], message: 'expected at most answer_at' });
      }
      const classes = model.outputs[0]?.shape.at(-1);
      if (classes !== undefined && classes !== model.labels.length) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'labels'], message: `${model.labels.length} labels for ${classes} output classes` });
      }
    });
  });

export type Manifest = z.infer<typeof ManifestSchema>;
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type TensorSpec = z.infer<typeof TensorSpecSchema>;
export type Gate = z.infer<typeof GateSchema>;
export type RejectGate = z.infer<typeof RejectGateSchema>;
export type ReferenceFile = z.infer<typeof ReferenceFileSchema>;
export type Training = z.infer<typeof TrainingSchema>;
