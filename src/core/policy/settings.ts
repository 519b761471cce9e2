/**
 * The user's settings (inference mode, gate threshold, cloud timeout, backend,
 * the next-digit flow, sharing drawings):
 * their schema, defaults, and how stored values are read back.
 */
import { z } from 'zod';
import { INFERENCE_MODES } from './two-phase';

/** The ranges the settings accept: the schema and the settings form both read them. */
export const SETTINGS_BOUNDS = {
  threshold: { min: 0.01, max: 1, step: 0.01 },
  cloudTimeoutMs: { min: 200, max: 60_000, step: 100 },
} as const;

/** What the user can choose in the app's settings. */
export const SettingsSchema = z.object({
  mode: z.enum(INFERENCE_MODES),
  /** Replaces the manifest's gate threshold when set. */
  thresholdOverride: z.number().min(SETTINGS_BOUNDS.threshold.min).max(SETTINGS_BOUNDS.threshold.max).nullable(),
  cloudTimeoutMs: z.number().int().min(SETTINGS_BOUNDS.cloudTimeoutMs.min).max(SETTINGS_BOUNDS.cloudTimeoutMs.max),
  /** `auto` lets the start-up probe pick; the others force a backend. */
  backend: z.enum(['auto', 'wasm', 'webgpu']),
  /** After an answer settles, the next stroke starts a new drawing (undo brings the old one back). */
  nextDigit: z.boolean(),
  /** Sampled edge records carry the 28x28 input; off, they carry no pixels. */
  shareDrawings: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type BackendPreference = Settings['backend'];

export const DEFAULT_SETTINGS: Settings = {
  mode: 'prefer_on_device',
  thresholdOverride: null,
  cloudTimeoutMs: 5000,
  backend: 'auto',
  nextDigit: true,
  shareDrawings: true,
};

/**
 * Reads stored settings field by field: a field that is missing or no longer
 * valid takes its default, and the others are kept.
 */
export function parseSettings(json: unknown): Settings {
  const stored = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const parsed = SettingsSchema.shape[field].safeParse(stored[field]);
    out[field] = parsed.success ? parsed.data : DEFAULT_SETTINGS[field];
  }
  return SettingsSchema.parse(out);
}

export function effectiveThreshold(settings: Settings, manifestThreshold: number): number {
  return settings.thresholdOverride ?? manifestThreshold;
}
