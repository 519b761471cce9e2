/**
 * The profile layout of every model version the model repository's manifest
 * lists, each from its reference file (checked against the manifest's
 * sha256). Versions added to the manifest later are picked up on first use.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, ReferenceSchema, type Manifest, type ModelEntry } from '../../src/core/manifest';
import { profileLayout, type ProfileLayout } from './layout';

/** A miss re-reads the manifest at most this often. */
const REREAD_MS = 5_000;

export class ModelLayouts {
  private layouts = new Map<string, ProfileLayout>();
  private entries = new Map<string, ModelEntry>();
  private readAt = 0;
  private reading: Promise<void> | undefined;

  constructor(private readonly repository: string) {}

  static async load(repository: string): Promise<ModelLayouts> {
    const layouts = new ModelLayouts(repository);
    await layouts.read();
    return layouts;
  }

  /** The layout of a version, if the manifest lists it (synchronous: ingest calls it per row). */
  of = (model: string, version: string): ProfileLayout | undefined => {
    const layout = this.layouts.get(`${model}\n${version}`);
    if (!layout && performance.now() - this.readAt > REREAD_MS) void this.refresh();
    return layout;
  };

  /** The manifest entry of a version, or of the newest version of a model when none is named. */
  entry(model: string, version?: string): ModelEntry | undefined {
    if (version !== undefined) return this.entries.get(`${model}\n${version}`);
    return [...this.entries.values()].filter((e) => e.name === model).sort((a, b) => Number(b.version) - Number(a.version))[0];
  }

  /** Every label any listed model answers with. */
  allLabels(): Set<string> {
    return new Set([...this.entries.values()].flatMap((e) => e.labels));
  }

  all(): ModelEntry[] {
    return [...this.entries.values()];
  }

  /** Reads the manifest again (deduplicated); failures keep what was known. */
  refresh(): Promise<void> {
    this.reading ??= this.read()
      .catch(() => undefined)
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    this.readAt = performance.now();
    const manifest: Manifest = parseManifest(JSON.parse(await readFile(join(this.repository, 'manifest.json'), 'utf8')));
    const layouts = new Map<string, ProfileLayout>();
    const entries = new Map<string, ModelEntry>();
    for (const entry of manifest.models) {
      const id = `${entry.name}\n${entry.version}`;
      entries.set(id, entry);
      layouts.set(id, this.layouts.get(id) ?? profileLayout(entry, await this.reference(entry)));
    }
    this.layouts = layouts;
    this.entries = entries;
  }

  private async reference(entry: ModelEntry) {
    if (!entry.reference) return undefined;
    const bytes = await readFile(join(this.repository, entry.reference.file));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== entry.reference.sha256) {
      throw new Error(`reference ${entry.reference.file} has sha256 ${sha256}, the manifest says ${entry.reference.sha256}`);
    }
    const reference = ReferenceSchema.parse(JSON.parse(bytes.toString('utf8')));
    return { ...reference, calibration: { x: reference.calibration.x, y: reference.calibration.y } };
  }
}
