import { z } from 'zod';
import { INFERENCE_MODES } from './two-phase';

/** What the user can choose in the app's settings. */
export const SettingsSchema = z.object({
  mode: z.enum(INFERENCE_MODES),
  /** Replaces the manifest's gate threshold when set. */
  thresholdOverride: z.number().gt(0).max(1).nullable(),
  cloudTimeoutMs: z.number().int().min(200).max(60_000),
  /** `auto` lets the start-up probe pick; the others force a backend. */
  backend: z.enum(['auto', 'wasm', 'webgpu']),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type BackendPreference = Settings['backend'];

export const DEFAULT_SETTINGS: Settings = {
  mode: 'prefer_on_device',
  thresholdOverride: null,
  cloudTimeoutMs: 5000,
  backend: 'auto',
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
