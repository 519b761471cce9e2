/**
 * Recording reference files edits only the models' `reference` fields of the
 * manifest: a manifest without them, once recorded, is byte for byte the
 * committed one.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest, type ReferenceFile } from '../../src/core/manifest';
import { recordReferences } from './write';

const committedText = await readFile('public/models/manifest.json', 'utf8');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function withoutReferences(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reference-manifest-'));
  dirs.push(dir);
  const raw = JSON.parse(committedText) as { models: { reference?: unknown }[] };
  raw.models.forEach((m) => delete m.reference);
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(raw, null, 2)}\n`);
  return dir;
}

describe('recordReferences', () => {
  it("adds each model's reference and leaves the rest of the manifest's text alone", async () => {
    const files = new Map<string, ReferenceFile>();
    for (const model of parseManifest(JSON.parse(committedText)).models) {
      if (model.reference) files.set(model.reference.file, model.reference);
    }
    expect(files.size).toBeGreaterThan(0);
    const dir = await withoutReferences();
    await recordReferences(dir, files);
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe(committedText);
  });

  it('refuses to write a manifest the app would reject', async () => {
    const dir = await withoutReferences();
    const bad = new Map([['digits-small/1/reference.json', { file: 'digits-small/1/reference.json', sha256: 'not-a-hash' }]]);
    await expect(recordReferences(dir, bad)).rejects.toThrow(/reference\.sha256/);
  });
});
