/**
 * The model registry: the models being served, read from a folder laid out
 * as `<name>/<version>/model.onnx` plus `manifest.json`. Each version is
 * loaded once and kept until it is unloaded; the newest version of a name is
 * its default. Usable without any HTTP server (a batch worker loads and runs
 * models through it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../../src/core/api/errors';
import { parseManifest, type Manifest, type ModelEntry } from '../../src/core/manifest';
import type { BatchObserver } from './batching/batcher';
import { Mutex } from '../db/mutex';
import { loadModel, type ServingModel } from './model';
import { batchingFor, type ServingSettings } from './settings';

const MANIFEST = 'manifest.json';

/** A version the manifest lists (or one still served that it no longer lists), and whether it serves. */
export interface VersionState {
  readonly name: string;
  readonly version: string;
  readonly state: 'READY' | 'UNAVAILABLE';
  /** Why it is not serving; empty when it is READY. */
  readonly reason: string;
}

const versionKey = (name: string, version: string) => `${name}\u0000${version}`;
const byVersion = (a: string, b: string) => Number(a) - Number(b) || a.localeCompare(b);

/**
 * Counts the infer calls in progress on one model version, so that unloading
 * it can wait for the callers that resolved it before it left the registry.
 */
class CallsInProgress {
  private count = 0;
  private idleWaiters: (() => void)[] = [];

  wrap(model: ServingModel): ServingModel {
    const infer: ServingModel['infer'] = (input, rows, timeoutMs, ...rest) => {
      this.count++;
      let result: Promise<Float32Array>;
      try {
        result = model.infer(input, rows, timeoutMs, ...rest);
      } catch (error) {
        result = Promise.reject(error as Error);
      }
      return result.finally(() => {
        if (--this.count > 0) return;
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      });
    };
    return {
      entry: model.entry,
      input: model.input,
      output: model.output,
      rowSize: model.rowSize,
      classes: model.classes,
      infer,
      stats: () => model.stats(),
      close: () => model.close(),
    };
  }

  /**
   * Resolves once no call is in progress and none has started by the next turn
   * of the event loop: a caller that awaits one run and then submits the next
   * (an explanation's chunks, the next explanation behind its limiter) does so
   * within the same turn, so it is waited for too.
   */
  async settled(): Promise<void> {
    for (;;) {
      if (this.count > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.count === 0) return;
    }
  }
}

interface Served {
  readonly model: ServingModel;
  readonly calls: CallsInProgress;
}

export class ModelRegistry {
  private readonly models = new Map<string, Map<string, Served>>();
  /** Why listed versions are not serving (unloaded, unloading, failed to load), by name and version. */
  private readonly notServing = new Map<string, string>();
  /** Unloads still finishing their requests, so close() can wait for them. */
  private readonly retiring = new Set<Promise<void>>();
  /** Loads and unloads run one at a time, in the order asked; a failed one does not stop the next. */
  private readonly loads = new Mutex();
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
    return this.loads.run(async () => {
      const manifest = await this.readManifest();
      const entries = manifest.models.filter((m) => m.name === name);
      if (entries.length === 0) throw new ServiceError('MODEL_NOT_FOUND', `the manifest lists no model "${name}"`);
      const fresh = entries.filter((e) => !this.models.get(name)?.has(e.version));
      const loaded: ServingModel[] = [];
      for (const entry of fresh) {
        try {
          loaded.push(await this.loadEntry(entry));
        } catch (error) {
          this.notServing.set(versionKey(name, entry.version), `load failed: ${(error as Error).message}`);
          await Promise.all(loaded.map((m) => m.close()));
          throw error;
        }
      }
      for (const model of loaded) this.register(model);
      return { loaded: loaded.map((m) => m.entry.version), serving: this.versions(name) };
    });
  }

  /**
   * Stops serving every version of `name`: new requests for it find no model
   * at once, while the requests that already hold it finish; then its
   * sessions close. Resolves with the versions unloaded; `load` brings them
   * back from the manifest.
   */
  async unload(name: string): Promise<{ unloaded: string[] }> {
    return this.loads.run(async () => {
      const versions = this.models.get(name);
      if (!versions) throw new ServiceError('MODEL_NOT_FOUND', `model "${name}" is not loaded; serving: ${this.names().join(', ') || 'none'}`);
      const unloaded = this.versions(name);
      this.models.delete(name);
      for (const version of unloaded) this.notServing.set(versionKey(name, version), 'unloading: finishing the requests in flight');
      const retired = Promise.all(
        [...versions.values()].map(async ({ model, calls }) => {
          await calls.settled();
          await model.close();
          this.notServing.set(versionKey(name, model.entry.version), 'unloaded');
        }),
      ).then(() => undefined);
      this.retiring.add(retired);
      try {
        await retired;
      } finally {
        this.retiring.delete(retired);
      }
      return { unloaded };
    });
  }

  /**
   * Every version the manifest lists, and any still served that it no longer
   * lists, by name and then version: READY when it serves, UNAVAILABLE with
   * the reason otherwise.
   */
  async index(): Promise<VersionState[]> {
    const manifest = await this.readManifest();
    const listed = new Set(manifest.models.map((m) => versionKey(m.name, m.version)));
    const states: VersionState[] = manifest.models.map(({ name, version }) =>
      this.models.get(name)?.has(version)
        ? { name, version, state: 'READY', reason: '' }
        : { name, version, state: 'UNAVAILABLE', reason: this.notServing.get(versionKey(name, version)) ?? 'not loaded' },
    );
    for (const name of this.names()) {
      for (const version of this.versions(name)) {
        if (!listed.has(versionKey(name, version))) states.push({ name, version, state: 'READY', reason: '' });
      }
    }
    return states.sort((a, b) => a.name.localeCompare(b.name) || byVersion(a.version, b.version));
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
    const calls = new CallsInProgress();
    const versions = this.models.get(model.entry.name) ?? new Map<string, Served>();
    versions.set(model.entry.version, { model: calls.wrap(model), calls });
    this.models.set(model.entry.name, versions);
    this.notServing.delete(versionKey(model.entry.name, model.entry.version));
  }

  has(name: string): boolean {
    return this.models.has(name);
  }

  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Versions of a model, oldest first. */
  versions(name: string): string[] {
    return [...(this.models.get(name)?.keys() ?? [])].sort(byVersion);
  }

  all(): ServingModel[] {
    return [...this.models.values()].flatMap((versions) => [...versions.values()].map((served) => served.model));
  }

  /** The named version, or the newest when none is named. */
  resolve(name: string, version?: string): ServingModel {
    const versions = this.models.get(name);
    if (!versions) {
      const what = this.wasUnloaded(name) ? `model "${name}" is unloaded` : `unknown model "${name}"`;
      throw new ServiceError('MODEL_NOT_FOUND', `${what}; serving: ${this.names().join(', ') || 'none'}`);
    }
    const chosen = version ?? this.versions(name).at(-1) ?? '';
    const served = versions.get(chosen);
    if (!served) throw new ServiceError('VERSION_NOT_FOUND', `model "${name}" has no version "${chosen}"; versions: ${this.versions(name).join(', ')}`);
    return served.model;
  }

  private wasUnloaded(name: string): boolean {
    return [...this.notServing].some(([key, reason]) => key.startsWith(versionKey(name, '')) && reason.startsWith('unload'));
  }

  async close(): Promise<void> {
    this.ready = false;
    await Promise.all([...this.all().map((m) => m.close()), ...this.retiring]);
  }
}
