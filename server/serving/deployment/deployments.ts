/**
 * The deployment of each served model: which version answers the requests
 * that name no version (the champion), and its challenger, idle, in shadow
 * or answering a sticky share of the keys. Set through the admin API, kept
 * in a DeploymentStore and cached here, so routing a request never waits for
 * the store; replicas sharing a store pick up each other's changes on
 * `refresh()`. A model with none set has the default: its newest version,
 * alone, as before deployments existed.
 */
import type { Deployment, DeploymentMode, DeploymentRequest } from '../../../src/core/api/deployment';
import { ServiceError } from '../../../src/core/api/errors';
import { challengerAssigned } from '../../../src/core/hash/key-assignment';
import type { Queryable } from '../../db/database';
import { quoteValue } from '../inference/json';
import type { ModelRegistry } from '../registry';
import type { DeploymentStore, StoredDeployment } from './store';

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

/** The salt of an A/B draw: a new challenger gets fresh keys, a new share of the same one keeps its keys. */
const abSalt = (model: string, challenger: string) => `ab\u0000${model}\u0000${challenger}`;

/** Writes what goes with a change in its transaction: its audit entry. */
export type ChangeRecorder = (tx: Queryable, previous: Deployment, current: Deployment) => Promise<void>;

const wire = (d: StoredDeployment): Deployment => ({
  model: d.model,
  champion: d.champion,
  challenger: d.challenger,
  mode: d.mode,
  challenger_share: d.challengerShare,
  since: new Date(d.since).toISOString(),
});

export class Deployments {
  private readonly kept = new Map<string, StoredDeployment>();
  private changing = Promise.resolve();

  private constructor(
    private readonly registry: ModelRegistry,
    private readonly store: DeploymentStore,
  ) {}

  static async open(registry: ModelRegistry, store: DeploymentStore): Promise<Deployments> {
    const deployments = new Deployments(registry, store);
    await deployments.refresh();
    return deployments;
  }

  /** Reads every deployment from the store again (those a replica sharing it changed). */
  refresh(): Promise<void> {
    // In turn with changes, so a read that began before a change cannot undo it here.
    return this.inTurn(async () => {
      const stored = await this.store.all();
      this.kept.clear();
      for (const d of stored) this.kept.set(d.model, d);
    });
  }

  /** The deployment of a served model: the one set, or the default. */
  get(model: string): Deployment {
    const versions = this.served(model);
    const d = this.kept.get(model);
    return d ? wire(d) : { model, champion: versions.at(-1) as string, challenger: null, mode: 'none', challenger_share: 0, since: null };
  }

  /** How requests naming no version of `model` are routed now. */
  routing(model: string): Routing {
    const d = this.kept.get(model);
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
      const next = this.checked(model, request, options.now ?? Date.now());
      const current = wire(next);
      const { alongside } = options;
      await this.store.put(next, alongside && ((tx) => alongside(tx, previous, current)));
      this.kept.set(model, next);
      return { previous, current };
    });
  }

  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.changing.then(task);
    this.changing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private checked(model: string, request: DeploymentRequest, now: number): StoredDeployment {
    const versions = this.served(model);
    const servedVersion = (field: string, version: string) => {
      if (!versions.includes(version)) {
        throw new ServiceError(
          'VERSION_NOT_FOUND',
          `${field}: model ${quoteValue(model)} serves no version ${quoteValue(version)}; versions: ${versions.join(', ')}`,
        );
      }
    };
    const mode: DeploymentMode = request.mode;
    servedVersion('champion', request.champion);
    const challenger = request.challenger ?? null;
    if (challenger === null) {
      if (mode !== 'none') throw new ServiceError('INVALID_REQUEST', `challenger: required in mode "${mode}"`);
    } else {
      servedVersion('challenger', challenger);
      if (challenger === request.champion) throw new ServiceError('INVALID_REQUEST', `challenger: must differ from the champion ("${challenger}")`);
      const champion = this.registry.resolve(model, request.champion);
      const other = this.registry.resolve(model, challenger);
      if (champion.input.shape.join(',') !== other.input.shape.join(',')) {
        throw new ServiceError(
          'INVALID_REQUEST',
          `challenger: its input [${other.input.shape.join(', ')}] differs from the champion's [${champion.input.shape.join(', ')}]; both must take the same instances`,
        );
      }
    }
    if (mode === 'ab' && request.challenger_share === undefined) throw new ServiceError('INVALID_REQUEST', 'challenger_share: required in mode "ab"');
    return { model, champion: request.champion, challenger, mode, challengerShare: request.challenger_share ?? 0, since: now };
  }

  /** The versions of a served model; MODEL_NOT_FOUND as the registry words it otherwise. */
  private served(model: string): string[] {
    if (!this.registry.has(model)) this.registry.resolve(model);
    return this.registry.versions(model);
  }
}
