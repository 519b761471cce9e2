/**
 * What the registry folder held for one model before a retraining command
 * ran: the manifest's text and the model's version folders. After the
 * command it tells the versions it added; when the run fails it puts the
 * folder back as it was (the manifest, and no new version folders), so a
 * failed retraining leaves nothing behind for a server or an app to load.
 */
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '../../../src/core/manifest';

const MANIFEST = 'manifest.json';

async function versionFolders(registry: string, model: string): Promise<string[]> {
  return readdir(join(registry, model)).catch(() => []);
}

export class RegistrySnapshot {
  private constructor(
    private readonly registry: string,
    private readonly model: string,
    private readonly manifestText: string,
    private readonly versions: ReadonlySet<string>,
    private readonly folders: ReadonlySet<string>,
  ) {}

  static async take(registry: string, model: string): Promise<RegistrySnapshot> {
    const text = await readFile(join(registry, MANIFEST), 'utf8');
    const versions = parseManifest(JSON.parse(text))
      .models.filter((m) => m.name === model)
      .map((m) => m.version);
    return new RegistrySnapshot(registry, model, text, new Set(versions), new Set(await versionFolders(registry, model)));
  }

  /** Versions of the model the manifest lists now and did not before, oldest first. A manifest that no longer parses throws. */
  async added(): Promise<string[]> {
    const now = parseManifest(JSON.parse(await readFile(join(this.registry, MANIFEST), 'utf8')));
    return now.models
      .filter((m) => m.name === this.model && !this.versions.has(m.version))
      .map((m) => m.version)
      .sort((a, b) => Number(a) - Number(b));
  }

  /** Puts the manifest back (whole, by rename) and removes version folders the command made; returns what it undid. */
  async restore(): Promise<string[]> {
    const undone: string[] = [];
    const path = join(this.registry, MANIFEST);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current !== this.manifestText) {
      await writeFile(`${path}.restore`, this.manifestText);
      await rename(`${path}.restore`, path);
      undone.push(MANIFEST);
    }
    for (const folder of await versionFolders(this.registry, this.model)) {
      if (this.folders.has(folder)) continue;
      await rm(join(this.registry, this.model, folder), { recursive: true, force: true });
      undone.push(`${this.model}/${folder}`);
    }
    return undone;
  }
}
