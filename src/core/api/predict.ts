/**
 * The keyed prediction API's wire shapes (`POST /v1/models/{m}[/versions/{v}]:predict`),
 * declared once: the server's routes and API document, and the PWA's cloud
 * client, use these. The server checks request bodies with a hand-written
 * parser of the same rules (server/serving/inference/instances.ts): pixel
 * arrays are large, and it names the exact element that is wrong.
 */
import { z } from 'zod';
import { INK_POLARITIES } from '../preprocess';

export const SIGNATURES = ['serving_default', 'logits', 'explain'] as const;
export const Signature = z
  .enum(SIGNATURES)
  .describe('serving_default: probabilities; logits: raw scores; explain: probabilities and an occlusion map (costly, limited on its own).');
export type SignatureName = z.infer<typeof Signature>;

export const MAX_KEY_LENGTH = 256;
export const InstanceKey = z.string().min(1).max(MAX_KEY_LENGTH).describe('Chosen by the client and returned with its prediction; unique within a request.');

const PixelsInstance = z
  .object({
    key: InstanceKey,
    pixels: z.array(z.number().min(0).max(1)).describe("The model's input as the app's preprocessing makes it, row-major."),
    ink: z.enum(INK_POLARITIES).optional().describe('Accepted and ignored: pixels are already ink.'),
  })
  .strict();
const ImageInstance = z
  .object({
    key: InstanceKey,
    image: z.string().describe('A base64 PNG drawing of any size (a data: URL prefix is allowed), preprocessed as in the app.'),
    ink: z.enum(INK_POLARITIES).optional().describe('Default dark-on-light.'),
  })
  .strict();
export const PredictInstance = z.union([PixelsInstance, ImageInstance]).meta({ id: 'PredictInstance' });
export type PredictInstance = z.infer<typeof PredictInstance>;

export const PredictRequest = z
  .object({
    signature: Signature.optional(),
    instances: z.array(PredictInstance).min(1),
  })
  .strict()
  .meta({ id: 'PredictRequest' });
export type PredictRequest = z.infer<typeof PredictRequest>;

export const OcclusionMap = z
  .object({
    method: z.literal('occlusion'),
    patch: z.number().int().positive(),
    rows: z.number().int().positive(),
    cols: z.number().int().positive(),
    drop: z.array(z.array(z.number())).describe("rows x cols: drop in the predicted label's probability when that patch is blanked."),
  })
  .meta({ id: 'OcclusionMap' });
export type OcclusionMap = z.infer<typeof OcclusionMap>;

export const Prediction = z
  .object({
    key: InstanceKey,
    label: z.string(),
    probabilities: z.array(z.number()).optional().describe('serving_default and explain: one per label, in manifest order.'),
    logits: z.array(z.number()).optional().describe('logits: one per label.'),
    explanation: OcclusionMap.optional(),
    model_version: z
      .string()
      .optional()
      .describe(
        "The version that answered this key: only in an answer whose keys an A/B deployment split between its champion and challenger (the answer's model_version then names the champion).",
      ),
  })
  .meta({ id: 'Prediction' });
export type Prediction = z.infer<typeof Prediction>;

export const PredictResponse = z
  .object({
    model: z.string(),
    model_version: z.string(),
    signature: Signature,
    predictions: z.array(Prediction),
  })
  .meta({ id: 'PredictResponse' });
export type PredictResponse = z.infer<typeof PredictResponse>;
