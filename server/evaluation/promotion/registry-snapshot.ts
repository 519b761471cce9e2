/**
 * What the registry folder held for one model before a retraining command
 * ran: the model's versions in the manifest and its version folders. After
 * the command it tells the versions it added; when the run fails it takes
 * them back out (their manifest entries and their folders), so a failed
 * retraining leaves nothing behind for a server or an app to load. Other
 * models' entries are left as they are now: another model's retraining may
 * have added one meanwhile.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '../../../src/core/manifest';
import { writeAtomic } from '../../../tools/fs/write-atomic';

const MANIFEST = 'manifest.json';

async function versionFolders(registry: string, model: string): Promise<string[]> {
  return readdir(join(registry, model)).catch(() => []);
}

interface RawManifest {
  models: { name: string; version: string }[];
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

  /**
   * Removes the model's versions added since the snapshot from the manifest (written whole, by rename)
   * and the version folders made since; a manifest that no longer parses is put back as it was. Returns
   * what it undid.
   */
  async restore(): Promise<string[]> {
    const undone: string[] = [];
    const path = join(this.registry, MANIFEST);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    let raw: RawManifest | undefined;
    try {
      raw = current === undefined ? undefined : (JSON.parse(current) as RawManifest);
      if (raw) parseManifest(raw);
    } catch {
      raw = undefined;
    }
    if (!raw) {
      await writeAtomic(path, this.manifestText);
      undone.push(MANIFEST);
    } else {
      const kept = raw.models.filter((m) => m.name !== this.model || this.versions.has(m.version));
      if (kept.length !== raw.models.length) {
        const removed = raw.models.filter((m) => !kept.includes(m)).map((m) => `${MANIFEST}: ${m.name} version ${m.version}`);
        const restored = { ...raw, models: kept };
        // Nobody else changed it: the manifest as it was, byte for byte.
        const same = JSON.stringify(restored) === JSON.stringify(JSON.parse(this.manifestText));
        await writeAtomic(path, same ? this.manifestText : `${JSON.stringify(restored, null, 2)}\n`);
        undone.push(...removed);
      }
    }
    for (const folder of await versionFolders(this.registry, this.model)) {
      if (this.folders.has(folder)) continue;
      await rm(join(this.registry, this.model, folder), { recursive: true, force: true });
      undone.push(`${this.model}/${folder}`);
    }
    return undone;
  }
}
