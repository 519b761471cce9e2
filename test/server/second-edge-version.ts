/**
 * A private copy of the model pack where digits-small has a version 2, for
 * tests of promotion to installed apps: version 1's graph and weights under
 * another doc string (so its file has bytes and a sha256 of its own, and a
 * cache holding version 1 cannot pass for it) with another gate threshold,
 * so a test can tell which version the app runs.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { decodeModel, encodeModel } from '../../tools/onnx/onnx-model';
import { registryCopy } from './folders';

/** Version 2's gate threshold (version 1's is 0.72). */
export const SECOND_VERSION_THRESHOLD = 0.9;

export interface SecondVersionPack {
  /** The registry folder (MODEL_REPOSITORY). */
  readonly dir: string;
  /** sha256 of each digits-small version's model file. */
  readonly sha256: { readonly '1': string; readonly '2': string };
}

type Entry = {
  name: string;
  version: string;
  file: string;
  sha256: string;
  bytes: number;
  gate?: { threshold: number };
  reference?: { file: string; sha256: string };
};

export function packWithSecondEdgeVersion(): SecondVersionPack {
  const dir = registryCopy();
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: Entry[] };
  const first = manifest.models.find((m) => m.name === 'digits-small' && m.version === '1');
  if (!first?.reference || !first.gate) throw new Error('digits-small v1 (with its gate and reference) is not in the manifest');
  const model = decodeModel(readFileSync(join(dir, first.file)));
  model.docString = 'digits-small version 2: version 1 re-issued, for the promotion tests';
  const bytes = encodeModel(model);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(join(dir, 'digits-small', '2'), { recursive: true });
  const file = 'digits-small/2/model.onnx';
  writeFileSync(join(dir, file), bytes);
  const reference = { ...first.reference, file: 'digits-small/2/reference.json' };
  copyFileSync(join(dir, first.reference.file), join(dir, reference.file));
  manifest.models.push({
    ...first,
    version: '2',
    file,
    sha256,
    bytes: bytes.byteLength,
    reference,
    gate: { ...first.gate, threshold: SECOND_VERSION_THRESHOLD },
  });
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return { dir, sha256: { '1': first.sha256, '2': sha256 } };
}
