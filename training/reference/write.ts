/**
 * Writes reference files and records them in the manifest. The bytes must be
 * the same on every run (the manifest pins their sha256), so the text comes
 * from one fixed formatter: 2-space JSON with lists of plain numbers or
 * strings kept on one line, which keeps thousands of values readable.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { writeAtomic } from '../../tools/fs/write-atomic';
import { join } from 'node:path';
import { parseManifest, type Reference, type ReferenceFile } from '../../src/core/manifest';

/** The reference file of a model version, relative to the models directory. */
export const referencePath = (model: { name: string; version: string }) => `${model.name}/${model.version}/reference.json`;

function format(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number' || typeof v === 'string')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const inner = indent + '  ';
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The file's exact text, with a trailing newline. */
export function formatReference(reference: Reference): string {
  return `${format(reference, '')}\n`;
}

export const sha256Of = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

/** Writes a model version's reference file; returns what the manifest records. */
export async function writeReference(modelsDir: string, reference: Reference): Promise<ReferenceFile> {
  const file = referencePath({ name: reference.model, version: reference.version });
  const text = formatReference(reference);
  await writeFile(join(modelsDir, file), text);
  return { file, sha256: sha256Of(text) };
}

/**
 * Records reference files in manifest.json. It edits the file's own JSON, not
 * the parsed manifest, so key order and every other field stay as the pack
 * wrote them; the result must still pass the app's validation.
 */
export async function recordReferences(modelsDir: string, files: ReadonlyMap<string, ReferenceFile>): Promise<void> {
  const path = join(modelsDir, 'manifest.json');
  const raw = JSON.parse(await readFile(path, 'utf8')) as { models: { name: string; version: string; reference?: ReferenceFile }[] };
  for (const model of raw.models) {
    const reference = files.get(referencePath(model));
    if (reference) model.reference = { file: reference.file, sha256: reference.sha256 };
  }
  parseManifest(raw);
  // Whole or not at all: a server serving this registry may read the manifest at any moment.
  await writeAtomic(path, `${JSON.stringify(raw, null, 2)}\n`);
}
