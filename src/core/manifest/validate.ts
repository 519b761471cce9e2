/** Turns manifest JSON into a checked Manifest, and finds the model that plays a role. */
import type { z } from 'zod';
import { InputError } from '../errors';
import type { RejectRule } from '../math/gate';
import { KNOWN_PREPROCESSING_IDS } from '../preprocess';
import { ManifestSchema, type Manifest, type ModelEntry } from './schema';

export class ManifestError extends InputError {}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${fieldPath(issue.path) || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Parses and checks a manifest; the error names every bad field (the first five). */
export function parseManifest(json: unknown): Manifest {
  const result = ManifestSchema.safeParse(json);
  if (!result.success) throw new ManifestError(`invalid model manifest: ${describe(result.error)}`);
  result.data.models.forEach((model, i) => {
    if (!KNOWN_PREPROCESSING_IDS.includes(model.preprocessing.id)) {
      throw new ManifestError(
        `invalid model manifest: models[${i}].preprocessing.id: unknown id "${model.preprocessing.id}"; known: ${KNOWN_PREPROCESSING_IDS.join(', ')}`,
      );
    }
  });
  return result.data;
}

export function modelForRole(manifest: Manifest, role: ModelEntry['role']): ModelEntry {
  // Newest version first when several share the role.
  const candidates = manifest.models.filter((m) => m.role === role).sort((a, b) => Number(b.version) - Number(a.version));
  const model = candidates[0];
  if (!model) throw new ManifestError(`invalid model manifest: no model has role "${role}"`);
  return model;
}

/** The reject rule of a model's gate, with its label's index; undefined for a model without one. */
export function rejectRuleOf(model: ModelEntry): RejectRule | undefined {
  const reject = model.gate?.reject;
  const index = model.reject_label === undefined ? -1 : model.labels.indexOf(model.reject_label);
  if (!reject || index < 0) return undefined;
  return { index, escalateAt: reject.escalate_at, answerAt: reject.answer_at };
}
