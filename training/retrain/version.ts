/**
 * A retrained model version in the registry: its manifest entry (a copy of
 * the version it came from with the new file, figures and training record)
 * added to manifest.json beside the versions already there.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { writeAtomic } from '../../tools/fs/write-atomic';
import { dirname, join } from 'node:path';
import { parseManifest, type Manifest, type ModelEntry, type Training } from '../../src/core/manifest';
import { signatureOf } from '../pack/onnx-signature';

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The fingerprint of a list of keys recorded in the manifest: sha256 of the keys joined by "\n". */
export const keysSha256 = (keys: readonly string[]) => sha256Hex(keys.join('\n'));

export async function readRegistryManifest(registry: string): Promise<Manifest> {
  return parseManifest(JSON.parse(await readFile(join(registry, 'manifest.json'), 'utf8')));
}

/** The newest version of `name` in the manifest (the one a retraining starts from). */
export function currentVersion(manifest: Manifest, name: string): ModelEntry {
  const versions = manifest.models.filter((m) => m.name === name).sort((a, b) => Number(b.version) - Number(a.version));
  const current = versions[0];
  if (!current)
    throw new Error(
      `the registry's manifest has no model named ${JSON.stringify(name)} (it has ${[...new Set(manifest.models.map((m) => m.name))].join(', ')})`,
    );
  return current;
}

/** The version `version` of `name` (the champion a retraining is asked to start from). */
export function versionOf(manifest: Manifest, name: string, version: string): ModelEntry {
  const entry = manifest.models.find((m) => m.name === name && m.version === version);
  if (!entry) throw new Error(`the registry's manifest has no version ${JSON.stringify(version)} of ${JSON.stringify(name)}`);
  return entry;
}

/** The next version number of `name`: one above the highest in the manifest. */
export function nextVersion(manifest: Manifest, name: string): string {
  return String(Math.max(0, ...manifest.models.filter((m) => m.name === name).map((m) => Number(m.version))) + 1);
}

export interface NewVersion {
  readonly from: ModelEntry;
  readonly version: string;
  readonly bytes: Uint8Array;
  readonly parameters: number;
  readonly heldout: { count: number; accuracy: number };
  readonly training: Training;
}

/** The entry of the new version: what it shares with the version it came from (labels, gate, preprocessing, role), and its own file and figures. */
export function entryOf(v: NewVersion): ModelEntry {
  const { inputs, outputs } = signatureOf(v.bytes);
  // The reference statistics of the old version are not this one's: computed and recorded afterwards.
  const { reference: _reference, training: _training, ...shared } = v.from;
  return {
    ...shared,
    version: v.version,
    file: `${v.from.name}/${v.version}/model.onnx`,
    sha256: sha256Hex(v.bytes),
    bytes: v.bytes.byteLength,
    parameters: v.parameters,
    inputs,
    outputs: outputs.map((o) => ({ ...o, kind: 'logits' as const })),
    metrics: { heldout: { split: 'heldout', count: v.heldout.count, accuracy: v.heldout.accuracy } },
    training: v.training,
  };
}

/**
 * Writes <registry>/<name>/<version>/model.onnx and adds the entry to manifest.json, editing the
 * file's own JSON so every other entry stays as it was; refuses a version that is already there.
 */
export async function addVersion(registry: string, entry: ModelEntry, bytes: Uint8Array): Promise<void> {
  const path = join(registry, 'manifest.json');
  const raw = JSON.parse(await readFile(path, 'utf8')) as { models: ModelEntry[] };
  if (raw.models.some((m) => m.name === entry.name && m.version === entry.version)) {
    throw new Error(`${entry.name} version ${entry.version} is already in ${path}`);
  }
  raw.models.push(entry);
  parseManifest(raw);
  const target = join(registry, entry.file);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, bytes);
  // A server reading the manifest meanwhile sees the old one or the new one, whole.
  await writeAtomic(path, `${JSON.stringify(raw, null, 2)}\n`);
}
