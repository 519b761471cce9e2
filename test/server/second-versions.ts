/**
 * A private copy of the model pack where some models have a version 2: a
 * copy of version 1 (its weights and reference), so deployment, promotion
 * and rollback tests have two served versions of the same input to move
 * between, and tell them apart by the `model_version` of the answers.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryCopy } from './folders';

type Entry = { name: string; version: string; file: string; reference?: { file: string; sha256: string } };

/** The registry folder (MODEL_REPOSITORY) of a pack where each of `models` has a version 2. */
export function packWithSecondVersions(...models: readonly string[]): string {
  const dir = registryCopy();
  addSecondVersions(dir, ...models);
  return dir;
}

/** Adds version 2 of each of `models` to the registry folder `dir` (a copy of version 1), as a retraining would. */
export function addSecondVersions(dir: string, ...models: readonly string[]): void {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: Entry[] };
  for (const name of models) {
    const first = manifest.models.find((m) => m.name === name && m.version === '1');
    if (!first?.reference) throw new Error(`${name} v1 (with its reference) is not in the manifest`);
    mkdirSync(join(dir, name, '2'), { recursive: true });
    copyFileSync(join(dir, first.file), join(dir, name, '2', 'model.onnx'));
    const reference = { ...first.reference, file: `${name}/2/reference.json` };
    copyFileSync(join(dir, first.reference.file), join(dir, reference.file));
    manifest.models.push({ ...first, version: '2', file: `${name}/2/model.onnx`, reference });
  }
  writeFileSync(manifestPath, JSON.stringify(manifest));
}
