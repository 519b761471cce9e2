/**
 * The model registry: the models being served, read from a folder laid out
 * as `<name>/<version>/model.onnx` plus `manifest.json`. Each version is
 * loaded once and kept; the newest version of a name is its default. Usable
 * without any HTTP server (a batch worker loads and runs models through it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../../src/core/api/errors';
import { parseManifest, type Manifest, type ModelEntry } from '../../src/core/manifest';
import type { BatchObserver } from './batching/batcher';
import { loadModel, type ServingModel } from './model';
import { batchingFor, type ServingSettings } from './settings';

const MANIFEST = 'manifest.json';

export class ModelRegistry {
  private readonly models = new Map<string, Map<string, ServingModel>>();
  private loading = Promise.resolve();
  ready = false;

  constructor(
    private readonly settings: ServingSettings,
    private readonly observerFor: (name: string, version: string) => BatchObserver | undefined = () => undefined,
  ) {}

  get directory(): string {
    return this.settings.modelRegistry;
  }

  async readManifest(): Promise<Manifest> {
    const path = join(this.directory, MANIFEST);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ServiceError('MODEL_LOAD_FAILED', `cannot read the model manifest ${path} (${error.code ?? error.message})`);
    });
    try {
      return parseManifest(JSON.parse(text));
    } catch (error) {
      throw new ServiceError('MODEL_LOAD_FAILED', `${path}: ${(error as Error).message}`);
    }
  }

  /** Loads every version the manifest lists; at start, any failure is fatal. */
  async loadAll(): Promise<void> {
    const manifest = await this.readManifest();
    for (const entry of manifest.models) this.register(await this.loadEntry(entry));
    this.ready = true;
  }

  /**
   * Loads the versions of `name` the manifest lists and this process lacks.
   * Versions already serving are untouched, so requests in flight never fail;
   * if a new version is broken, the error says why and nothing changes.
   */
  async load(name: string): Promise<{ loaded: string[]; serving: string[] }> {
    const run = this.loading.then(async () => {
      const manifest = await this.readManifest();
      const entries = manifest.models.filter((m) => m.name === name);
      if (entries.length === 0) throw new ServiceError('MODEL_NOT_FOUND', `the manifest lists no model "${name}"`);
      const fresh = entries.filter((e) => !this.models.get(name)?.has(e.version));
      const loaded: ServingModel[] = [];
      try {
        for (const entry of fresh) loaded.push(await this.loadEntry(entry));
      } catch (error) {
        await Promise.all(loaded.map((m) => m.close()));
        throw error;
      }
      for (const model of loaded) this.register(model);
      return { loaded: loaded.map((m) => m.entry.version), serving: this.versions(name) };
    });
    this.loading = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private loadEntry(entry: ModelEntry): Promise<ServingModel> {
    return loadModel(this.directory, entry, {
      intraOpThreads: this.settings.intraOpThreads,
      intraOpSpinning: this.settings.intraOpSpinning,
      batching: batchingFor(this.settings, entry.name),
      observer: this.observerFor(entry.name, entry.version),
    });
  }

  private register(model: ServingModel): void {
    const versions = this.models.get(model.entry.name) ?? new Map<string, ServingModel>();
    versions.set(model.entry.version, model);
    this.models.set(model.entry.name, versions);
  }

  has(name: string): boolean {
    return this.models.has(name);
  }

  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Versions of a model, oldest first. */
  versions(name: string): string[] {
    return [...(this.models.get(name)?.keys() ?? [])].sort((a, b) => Number(a) - Number(b));
  }

  all(): ServingModel[] {
    return [...this.models.values()].flatMap((versions) => [...versions.values()]);
  }

  /** The named version, or the newest when none is named. */
  resolve(name: string, version?: string): ServingModel {
    const versions = this.models.get(name);
    if (!versions) throw new ServiceError('MODEL_NOT_FOUND', `unknown model "${name}"; serving: ${this.names().join(', ') || 'none'}`);
    const chosen = version ?? this.versions(name).at(-1) ?? '';
    const model = versions.get(chosen);
    if (!model) throw new ServiceError('VERSION_NOT_FOUND', `model "${name}" has no version "${chosen}"; versions: ${this.versions(name).join(', ')}`);
    return model;
  }

  async close(): Promise<void> {
    this.ready = false;
    await Promise.all(this.all().map((m) => m.close()));
  }
}
