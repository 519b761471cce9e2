/**
 * The deployment of each served model: which version answers the requests
 * that name no version (the champion), and its challenger, idle, in shadow
 * or answering a sticky share of the keys. Set through the admin API, kept
 * in a DeploymentStore and cached here, so routing a request never waits for
 * the store; replicas sharing a store pick up each other's changes on
 * `refresh()`, which also loads, from the registry folder they share, the
 * versions a deployment names that this process lacks (another replica
 * loaded or retrained them). Until they load, requests are routed by the
 * model's last deployment whose versions this process serves, so none
 * fails meanwhile. A model with none set has the default: its newest version,
 * alone, as before deployments existed. Each deployment remembers its
 * previous champion, so a promotion (of one model, or of several together
 * in one transaction) can be rolled back.
 */
import type { Deployment, DeploymentMode, DeploymentRequest } from '../../../src/core/api/deployment';
import { ServiceError } from '../../../src/core/api/errors';
import { challengerAssigned } from '../../../src/core/hash/key-assignment';
import type { Queryable } from '../../db/database';
import { quoteValue } from '../inference/json';
import type { ModelRegistry } from '../registry';
import { Mutex } from '../../db/mutex';
import { StaleDeploymentError, type DeploymentStore, type StoredDeployment } from './store';

/** How a request naming no version is routed. */
export interface Routing {
  readonly champion: string;
  /** The version answering challenger keys (ab mode), else undefined. */
  readonly abChallenger: string | undefined;
  /** The version run in the champion's shadow (shadow mode), else undefined. */
  readonly shadow: string | undefined;
  /** The version that answers `key`. */
  versionFor(key: string): string;
}

/** What a refresh did beyond reading the store: versions loaded, and deployments that cannot be served yet. */
export interface RefreshReport {
  readonly loaded: readonly { readonly model: string; readonly versions: readonly string[] }[];
  /** Models whose stored deployment names versions not served here; their last servable one routes meanwhile. */
  readonly pending: readonly { readonly model: string; readonly reason: string }[];
}

/** The salt of an A/B draw: a new challenger gets fresh keys, a new share of the same one keeps its keys. */
const abSalt = (model: string, challenger: string) => `ab\u0000${model}\u0000${challenger}`;

/** Writes what goes with a change in its transaction: its audit entry. */
export type ChangeRecorder = (tx: Queryable, previous: Deployment, current: Deployment) => Promise<void>;

/** One model's deployment before and after a promotion. */
export interface Promotion {
  readonly model: string;
  readonly previous: Deployment;
  readonly current: Deployment;
}

/** Writes what goes with a promotion in its transaction: an audit entry per model. */
export type PromotionRecorder = (tx: Queryable, results: readonly Promotion[]) => Promise<void>;

const wire = (d: StoredDeployment): Deployment => ({
  model: d.model,
  champion: d.champion,
  previous_champion: d.previousChampion,
  challenger: d.challenger,
  mode: d.mode,
  challenger_share: d.challengerShare,
  since: new Date(d.since).toISOString(),
});

export class Deployments {
  /** Each model's deployment as stored (read, or written here). */
  private readonly kept = new Map<string, StoredDeployment>();
  /** Each model's last deployment whose versions were all served here: routing falls back to it. */
  private readonly good = new Map<string, StoredDeployment>();
  /** Changes and refreshes apply one at a time, in the order asked. */
  private readonly changes = new Mutex();

  private constructor(
    private readonly registry: ModelRegistry,
    private readonly store: DeploymentStore,
  ) {}

  static async open(registry: ModelRegistry, store: DeploymentStore): Promise<Deployments> {
    const deployments = new Deployments(registry, store);
    await deployments.refresh();
    return deployments;
  }

  /**
   * Reads every deployment from the store again (those a replica sharing it
   * changed); then, once the registry has loaded its models, loads from the
   * registry folder the models whose deployment names a version not served
   * here (every version the manifest lists and this process lacks). A model
   * unloaded here on purpose is left unloaded. A load that fails, or a
   * version the manifest does not list yet, is reported in `pending` and
   * tried again on the next refresh; meanwhile the model's last servable
   * deployment routes its requests (or the default, without one).
   */
  async refresh(): Promise<RefreshReport> {
    // In turn with changes, so a read that began before a change cannot undo it here.
    await this.changes.run(() => this.reread());
    const loaded: { model: string; versions: string[] }[] = [];
    const failed = new Map<string, string>();
    // A model not loaded here at all is one another replica loaded since this one started (or one unloaded here).
    const lacking = [...this.kept.values()].filter((d) => this.registry.ready && (!this.registry.has(d.model) || !this.servable(d)));
    for (const d of lacking) {
      if (!this.registry.has(d.model) && (await this.unloadedHere(d.model))) continue;
      try {
        const { loaded: versions } = await this.registry.load(d.model);
        if (versions.length > 0) loaded.push({ model: d.model, versions });
      } catch (error) {
        failed.set(d.model, (error as Error).message);
      }
    }
    this.noteServable();
    const pending = [...this.kept.values()]
      .filter((d) => failed.has(d.model) || (this.registry.ready && !this.servable(d)))
      .map((d) => ({
        model: d.model,
        reason:
          failed.get(d.model) ??
          `the registry's manifest lists no version ${this.needed(d)
            .filter((v) => !this.registry.versions(d.model).includes(v))
            .map((v) => quoteValue(v))
            .join(' or ')}`,
      }));
    return { loaded, pending };
  }

  /** The deployment of a served model: the one set, or the default. */
  get(model: string): Deployment {
    const versions = this.served(model);
    const d = this.kept.get(model);
    return d
      ? wire(d)
      : { model, champion: versions.at(-1) as string, previous_champion: null, challenger: null, mode: 'none', challenger_share: 0, since: null };
  }

  /** How requests naming no version of `model` are routed now. */
  routing(model: string): Routing {
    const stored = this.kept.get(model);
    // A deployment naming versions not loaded here yet (another replica's) waits for the refresh that loads them.
    const d = stored === undefined || this.servable(stored) ? stored : this.good.get(model);
    if (!d || d.mode === 'none' || d.challenger === null) {
      const champion = d?.champion ?? this.registry.versions(model).at(-1) ?? '';
      return { champion, abChallenger: undefined, shadow: undefined, versionFor: () => champion };
    }
    const { champion, challenger, challengerShare } = d;
    if (d.mode === 'shadow') return { champion, abChallenger: undefined, shadow: challenger, versionFor: () => champion };
    const salt = abSalt(model, challenger);
    return {
      champion,
      abChallenger: challenger,
      shadow: undefined,
      versionFor: (key) => (challengerAssigned(key, challengerShare, salt) ? challenger : champion),
    };
  }

  /**
   * Replaces the deployment of `model` once the request is checked: both
   * versions served, with the same input, a challenger for shadow and ab and
   * a share for ab. Changes apply one at a time; `alongside` runs in the
   * store's transaction of the change (its audit entry). Resolves with the
   * deployment before and after.
   */
  change(
    model: string,
    request: DeploymentRequest,
    options: { now?: number; alongside?: ChangeRecorder } = {},
  ): Promise<{ previous: Deployment; current: Deployment }> {
    return this.inTurn(async () => {
      const previous = this.get(model);
      const next = this.checked(model, request, previous, options.now ?? Date.now());
      return this.replace(next, previous, options.alongside);
    });
  }

  /**
   * Makes each change's version its model's champion, all in one store
   * transaction: the old champion becomes the previous one (what a rollback
   * returns to), and the challenger is cleared. Every change is checked
   * before anything is written (the version served, with the champion's
   * input, not the champion already; each model named once), so one bad
   * change changes nothing. `alongside` runs in the same transaction (the
   * audit entries). Resolves with each model's deployment before and after,
   * in the order of `changes`.
   */
  promote(
    changes: readonly { model: string; version: string }[],
    options: { now?: number; alongside?: PromotionRecorder } = {},
  ): Promise<{ model: string; previous: Deployment; current: Deployment }[]> {
    return this.inTurn(async () => {
      const now = options.now ?? Date.now();
      const seen = new Set<string>();
      const planned = changes.map(({ model, version }) => {
        if (seen.has(model)) throw new ServiceError('INVALID_REQUEST', `model ${quoteValue(model)} is named twice in one promotion`);
        seen.add(model);
        const previous = this.get(model);
        this.servedVersion(model, 'version', version);
        if (version === previous.champion)
          throw new ServiceError('ALREADY_CHAMPION', `model ${quoteValue(model)}: version ${quoteValue(version)} is already the champion`);
        this.sameInput(model, 'version', version, previous.champion);
        const next: StoredDeployment = {
          model,
          champion: version,
          previousChampion: previous.champion,
          challenger: null,
          mode: 'none',
          challengerShare: 0,
          since: now,
        };
        return { next, result: { model, previous, current: wire(next) } };
      });
      const results = planned.map((p) => p.result);
      const { alongside } = options;
      await this.store.put(
        planned.map((p) => ({ next: p.next, expected: this.kept.get(p.next.model) })),
        alongside && ((tx) => alongside(tx, results)),
      );
      for (const { next } of planned) this.keep(next);
      return results;
    });
  }

  /**
   * Returns `model` to its previous champion, which must still be served:
   * it becomes the champion alone (no challenger), and there is no previous
   * champion any more. 409 NOTHING_TO_ROLL_BACK when there is none.
   */
  rollback(model: string, options: { now?: number; alongside?: ChangeRecorder } = {}): Promise<{ previous: Deployment; current: Deployment }> {
    return this.inTurn(async () => {
      const previous = this.get(model);
      const back = previous.previous_champion;
      if (back === null || back === previous.champion)
        throw new ServiceError(
          'NOTHING_TO_ROLL_BACK',
          `model ${quoteValue(model)} has no previous champion to roll back to; its champion is ${quoteValue(previous.champion)}`,
        );
      this.servedVersion(model, 'previous_champion', back);
      const next: StoredDeployment = {
        model,
        champion: back,
        previousChampion: null,
        challenger: null,
        mode: 'none',
        challengerShare: 0,
        since: options.now ?? Date.now(),
      };
      return this.replace(next, previous, options.alongside);
    });
  }

  /**
   * Runs a change in turn with the others and with refreshes. One made from a deployment another replica has
   * changed since this one read it is made again from the store's (read now), so its checks judge what is
   * stored and nothing another replica wrote is overwritten; stale twice, it is refused.
   */
  private inTurn<T>(change: () => Promise<T>): Promise<T> {
    return this.changes.run(async () => {
      try {
        return await change();
      } catch (error) {
        if (!(error instanceof StaleDeploymentError)) throw error;
        await this.reread();
      }
      try {
        return await change();
      } catch (error) {
        if (!(error instanceof StaleDeploymentError)) throw error;
        throw new ServiceError(
          'DEPLOYMENT_CHANGED',
          `the deployment of ${quoteValue(error.model)} changed on another server while this change was written; read it again and retry`,
          undefined,
          { cause: error },
        );
      }
    });
  }

  /** Reads every deployment from the store again. */
  private async reread(): Promise<void> {
    const stored = await this.store.all();
    this.kept.clear();
    for (const d of stored) this.kept.set(d.model, d);
    this.noteServable();
  }

  /** Writes one model's new deployment (with what goes alongside), then keeps it. */
  private async replace(next: StoredDeployment, previous: Deployment, alongside: ChangeRecorder | undefined) {
    const current = wire(next);
    await this.store.put([{ next, expected: this.kept.get(next.model) }], alongside && ((tx) => alongside(tx, previous, current)));
    this.keep(next);
    return { previous, current };
  }

  /** Keeps a deployment just written (its versions were checked served). */
  private keep(d: StoredDeployment): void {
    this.kept.set(d.model, d);
    this.good.set(d.model, d);
  }

  /** The versions routing `d` calls: the champion, and the challenger unless it idles. */
  private needed(d: StoredDeployment): string[] {
    return d.mode === 'none' || d.challenger === null ? [d.champion] : [d.champion, d.challenger];
  }

  /**
   * Whether this process can route by `d`. A model not loaded here (before the
   * registry loads, or unloaded) is routed by its stored deployment: its
   * requests find no model either way, and the model pack names the champion.
   */
  private servable(d: StoredDeployment): boolean {
    if (!this.registry.has(d.model)) return true;
    const versions = this.registry.versions(d.model);
    return this.needed(d).every((v) => versions.includes(v));
  }

  private noteServable(): void {
    for (const d of this.kept.values()) if (this.registry.has(d.model) && this.servable(d)) this.good.set(d.model, d);
  }

  /** Whether `model` was unloaded here through the admin API (or is being): a refresh does not bring it back. */
  private async unloadedHere(model: string): Promise<boolean> {
    const states = await this.registry.index().catch(() => []);
    return states.some((s) => s.name === model && s.reason.startsWith('unload'));
  }

  private checked(model: string, request: DeploymentRequest, previous: Deployment, now: number): StoredDeployment {
    const mode: DeploymentMode = request.mode;
    this.servedVersion(model, 'champion', request.champion);
    const challenger = request.challenger ?? null;
    if (challenger === null) {
      if (mode !== 'none') throw new ServiceError('INVALID_REQUEST', `challenger: required in mode "${mode}"`);
    } else {
      this.servedVersion(model, 'challenger', challenger);
      if (challenger === request.champion) throw new ServiceError('INVALID_REQUEST', `challenger: must differ from the champion ("${challenger}")`);
      this.sameInput(model, 'challenger', challenger, request.champion);
    }
    if (mode === 'ab' && request.challenger_share === undefined) throw new ServiceError('INVALID_REQUEST', 'challenger_share: required in mode "ab"');
    // A new champion makes the old one the previous; keeping the champion keeps the previous one.
    const previousChampion = request.champion === previous.champion ? previous.previous_champion : previous.champion;
    return { model, champion: request.champion, previousChampion, challenger, mode, challengerShare: request.challenger_share ?? 0, since: now };
  }

  /** VERSION_NOT_FOUND, naming `field`, unless `model` serves `version`. */
  private servedVersion(model: string, field: string, version: string): void {
    const versions = this.served(model);
    if (!versions.includes(version)) {
      throw new ServiceError(
        'VERSION_NOT_FOUND',
        `${field}: model ${quoteValue(model)} serves no version ${quoteValue(version)}; versions: ${versions.join(', ')}`,
      );
    }
  }

  /** INVALID_REQUEST, naming `field`, unless `version` takes the same instances as `champion`. */
  private sameInput(model: string, field: string, version: string, champion: string): void {
    const theirs = this.registry.resolve(model, version).input.shape;
    const ours = this.registry.resolve(model, champion).input.shape;
    if (theirs.join(',') !== ours.join(',')) {
      throw new ServiceError(
        'INVALID_REQUEST',
        `${field}: its input [${theirs.join(', ')}] differs from the champion's [${ours.join(', ')}]; both must take the same instances`,
      );
    }
  }

  /** The versions of a served model; MODEL_NOT_FOUND as the registry words it otherwise. */
  private served(model: string): string[] {
    if (!this.registry.has(model)) this.registry.resolve(model);
    return this.registry.versions(model);
  }
}
