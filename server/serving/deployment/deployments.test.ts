/**
 * Deployments over a registry serving m and p, versions 1, 2 and 3 (m's 3 with another
 * input): the default, routing in each mode, versions with another input
 * refused as challengers, replicas sharing a store seeing each other's
 * changes once they refresh and never overwriting a change not read yet
 * (made again from the store's, refused if stale twice), the previous
 * champion kept through changes,
 * promotions of several models checked whole before any is written,
 * rollbacks to the previous champion, and a replica loading the versions
 * another replica's deployment names (routing by its last servable one until
 * they load).
 */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/core/api/errors';
import type { Queryable } from '../../db/database';
import type { ServingModel } from '../model';
import type { ModelRegistry } from '../registry';
import { Deployments } from './deployments';
import { memoryDeploymentStore, StaleDeploymentError, type DeploymentStore } from './store';

const VERSIONS = ['1', '2', '3'];
const registry = {
  has: (name: string) => name === 'm' || name === 'p',
  versions: (name: string) => (name === 'm' || name === 'p' ? VERSIONS : []),
  resolve: (name: string, version?: string) => {
    if (name !== 'm' && name !== 'p') throw new ServiceError('MODEL_NOT_FOUND', `unknown model "${name}"`);
    const v = version ?? '3';
    return {
      entry: { name, version: v },
      input: { name: 'pixels', shape: name === 'm' && v === '3' ? [-1, 1, 32, 32] : [-1, 1, 28, 28] },
    } as unknown as ServingModel;
  },
} as unknown as ModelRegistry;

describe('deployments', () => {
  it('defaults to the newest version alone', async () => {
    const deployments = await Deployments.open(registry, memoryDeploymentStore());
    expect(deployments.get('m')).toEqual({
      model: 'm',
      champion: '3',
      previous_champion: null,
      challenger: null,
      mode: 'none',
      challenger_share: 0,
      since: null,
    });
    const routing = deployments.routing('m');
    expect([routing.champion, routing.abChallenger, routing.shadow, routing.versionFor('k')]).toEqual(['3', undefined, undefined, '3']);
    expect(() => deployments.get('x')).toThrow(/unknown model "x"/);
  });

  it('routes by mode: shadow runs the challenger beside the champion, ab splits keys, none ignores the challenger', async () => {
    const deployments = await Deployments.open(registry, memoryDeploymentStore());
    await deployments.change('m', { champion: '1', challenger: '2', mode: 'shadow' });
    let routing = deployments.routing('m');
    expect([routing.champion, routing.abChallenger, routing.shadow, routing.versionFor('k')]).toEqual(['1', undefined, '2', '1']);

    await deployments.change('m', { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.5 });
    routing = deployments.routing('m');
    expect([routing.champion, routing.abChallenger, routing.shadow]).toEqual(['1', '2', undefined]);
    const met = new Set(Array.from({ length: 100 }, (_, i) => routing.versionFor(`k${i}`)));
    expect(met).toEqual(new Set(['1', '2']));

    const { previous, current } = await deployments.change('m', { champion: '2', challenger: '1', mode: 'none' });
    expect(previous).toMatchObject({ champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.5 });
    expect(current).toMatchObject({ champion: '2', challenger: '1', mode: 'none', challenger_share: 0 });
    routing = deployments.routing('m');
    expect([routing.champion, routing.abChallenger, routing.shadow, routing.versionFor('k')]).toEqual(['2', undefined, undefined, '2']);
  });

  it('refuses a challenger whose input differs from the champion’s, and changes nothing', async () => {
    const deployments = await Deployments.open(registry, memoryDeploymentStore());
    await expect(deployments.change('m', { champion: '1', challenger: '3', mode: 'shadow' })).rejects.toThrow(
      /^challenger: its input \[-1, 1, 32, 32\] differs/,
    );
    expect(deployments.get('m').since).toBeNull();
  });

  it('lets replicas sharing a store see each other’s changes once they refresh', async () => {
    const store = memoryDeploymentStore();
    const a = await Deployments.open(registry, store);
    const b = await Deployments.open(registry, store);
    const { current } = await a.change('m', { champion: '2', mode: 'none' });
    expect(b.get('m').champion).toBe('3');
    await b.refresh();
    expect(b.get('m')).toEqual(current);
  });

  it('makes a change again from the stored deployment when another replica changed it since: nothing it wrote is lost', async () => {
    const store = memoryDeploymentStore();
    const a = await Deployments.open(registry, store);
    const b = await Deployments.open(registry, store);
    await a.change('m', { champion: '2', mode: 'none' });
    // B has not refreshed: it believes the default (3). Its change is judged on A's: the champion it replaces is 2.
    const { previous, current } = await b.change('m', { champion: '1', challenger: '2', mode: 'shadow' });
    expect(previous).toMatchObject({ champion: '2', previous_champion: '3' });
    expect(current).toMatchObject({ champion: '1', previous_champion: '2', challenger: '2', mode: 'shadow' });
    await a.refresh();
    expect(a.get('m')).toEqual(current);

    // A rollback through each, A's first: B's finds, in the store, nothing left to roll back.
    await b.change('m', { champion: '2', mode: 'none' });
    await a.refresh();
    await b.refresh();
    expect((await a.rollback('m')).current.champion).toBe('1');
    await expect(b.rollback('m')).rejects.toMatchObject({ code: 'NOTHING_TO_ROLL_BACK' });
    expect(b.get('m').champion).toBe('1');
  });

  it('refuses a change that finds the deployment changed again after reading it, with DEPLOYMENT_CHANGED', async () => {
    const memory = memoryDeploymentStore();
    let puts = 0;
    // Another replica writes between each read and write of this one.
    const racing: DeploymentStore = {
      all: () => memory.all(),
      put: async () => {
        puts++;
        throw new StaleDeploymentError('m');
      },
    };
    const deployments = await Deployments.open(registry, racing);
    await expect(deployments.change('m', { champion: '1', mode: 'none' })).rejects.toMatchObject({ code: 'DEPLOYMENT_CHANGED' });
    expect(puts).toBe(2);
    expect(deployments.get('m').champion).toBe('3');
  });
});

describe('promotion and rollback', () => {
  it('remembers the previous champion: a new champion makes the old one previous, keeping the champion keeps it', async () => {
    const deployments = await Deployments.open(registry, memoryDeploymentStore());
    expect((await deployments.change('m', { champion: '1', mode: 'none' })).current.previous_champion).toBe('3');
    expect((await deployments.change('m', { champion: '1', challenger: '2', mode: 'shadow' })).current.previous_champion).toBe('3');
    expect((await deployments.change('m', { champion: '2', challenger: '1', mode: 'shadow' })).current.previous_champion).toBe('1');
  });

  it('promotes several models at once, each version becoming the champion alone, in one put with what goes alongside', async () => {
    const memory = memoryDeploymentStore();
    const puts: string[][] = [];
    const tx: Queryable = { query: async () => [] };
    // A store that runs `alongside` as the SQL one does, on a stand-in transaction.
    const store: DeploymentStore = {
      all: () => memory.all(),
      put: async (ds, alongside) => {
        puts.push(ds.map((d) => d.next.model));
        await memory.put(ds);
        await alongside?.(tx);
      },
    };
    const deployments = await Deployments.open(registry, store);
    await deployments.change('m', { champion: '1', challenger: '2', mode: 'ab', challenger_share: 0.5 });
    let recorded: unknown;
    const results = await deployments.promote(
      [
        { model: 'm', version: '2' },
        { model: 'p', version: '2' },
      ],
      { now: Date.parse('2026-12-05T10:00:00Z'), alongside: async (t, r) => void (recorded = t === tx && r) },
    );
    expect(results.map((r) => [r.model, r.previous.champion, r.current])).toEqual([
      ['m', '1', { model: 'm', champion: '2', previous_champion: '1', challenger: null, mode: 'none', challenger_share: 0, since: '2026-12-05T10:00:00.000Z' }],
      ['p', '3', expect.objectContaining({ champion: '2', previous_champion: '3' })],
    ]);
    expect(recorded).toEqual(results);
    expect(puts).toEqual([['m'], ['m', 'p']]);
    expect(deployments.routing('m').champion).toBe('2');
    expect(deployments.routing('p').champion).toBe('2');
  });

  it.each([
    ['a version not served', [{ model: 'm', version: '9' }], /^version: model "m" serves no version "9"/],
    ['the champion', [{ model: 'm', version: '1' }], /^model "m": version "1" is already the champion/],
    ['a version with another input', [{ model: 'm', version: '3' }], /^version: its input \[-1, 1, 32, 32\] differs/],
    ['an unknown model', [{ model: 'x', version: '1' }], /unknown model "x"/],
    [
      'a model named twice',
      [
        { model: 'p', version: '1' },
        { model: 'p', version: '2' },
      ],
      /"p" is named twice/,
    ],
  ])('refuses a promotion of %s, and one bad change of several changes nothing', async (_what, bad, message) => {
    const deployments = await Deployments.open(registry, memoryDeploymentStore());
    await deployments.change('m', { champion: '1', challenger: '2', mode: 'shadow' });
    const before = [deployments.get('m'), deployments.get('p')];
    await expect(deployments.promote([{ model: 'p', version: '2' }, ...bad])).rejects.toThrow(message);
    expect([deployments.get('m'), deployments.get('p')]).toEqual(before);
  });

  it('rolls back to the previous champion, once; with none it is NOTHING_TO_ROLL_BACK', async () => {
    const deployments = await Deployments.open(registry, memoryDeploymentStore());
    await expect(deployments.rollback('m')).rejects.toMatchObject({ code: 'NOTHING_TO_ROLL_BACK', status: 409 });
    await deployments.change('m', { champion: '1', mode: 'none' });
    await deployments.promote([{ model: 'm', version: '2' }]);
    const { previous, current } = await deployments.rollback('m');
    expect([previous.champion, previous.previous_champion]).toEqual(['2', '1']);
    expect(current).toMatchObject({ champion: '1', previous_champion: null, challenger: null, mode: 'none' });
    expect(deployments.routing('m').champion).toBe('1');
    await expect(deployments.rollback('m')).rejects.toThrow(/^model "m" has no previous champion to roll back to; its champion is "1"/);
  });
});

/**
 * A registry of one replica: it serves `served` of model m, and loading m brings in the versions
 * `listed` in the shared folder's manifest it lacks (or fails with `failure`); `unloaded` is an
 * admin unload here.
 */
function replicaRegistry(served: string[]) {
  const state = { served: [...served], listed: [...served], failure: undefined as string | undefined, unloaded: false, loads: 0 };
  const fake = {
    ready: true,
    has: (name: string) => name === 'm' && !state.unloaded,
    versions: (name: string) => (name === 'm' && !state.unloaded ? [...state.served].sort() : []),
    resolve: (name: string, version?: string) => {
      const v = version ?? state.served.at(-1);
      if (name !== 'm' || state.unloaded) throw new ServiceError('MODEL_NOT_FOUND', `unknown model "${name}"`);
      if (!state.served.includes(v ?? '')) throw new ServiceError('VERSION_NOT_FOUND', `model "m" has no version "${v}"`);
      return { entry: { name, version: v }, input: { name: 'pixels', shape: [-1, 1, 28, 28] } } as unknown as ServingModel;
    },
    load: async (name: string) => {
      state.loads++;
      if (state.failure) throw new ServiceError('MODEL_LOAD_FAILED', state.failure);
      const fresh = state.listed.filter((v) => !state.served.includes(v));
      state.served.push(...fresh);
      state.unloaded = false;
      return { loaded: fresh, serving: fake.versions(name) };
    },
    index: async () =>
      state.listed.map((version) => ({ name: 'm', version, state: state.unloaded ? 'UNAVAILABLE' : 'READY', reason: state.unloaded ? 'unloaded' : '' })),
  };
  return { registry: fake as unknown as ModelRegistry, state };
}

describe('a deployment another replica set', () => {
  it('loads the versions it names from the shared registry, routing by the last servable deployment until they load', async () => {
    const store = memoryDeploymentStore();
    const a = replicaRegistry(['1', '2']);
    const b = replicaRegistry(['1']);
    const onA = await Deployments.open(a.registry, store);
    const onB = await Deployments.open(b.registry, store);
    await onA.change('m', { champion: '1', mode: 'none' });
    await onB.refresh();
    expect(onB.routing('m').champion).toBe('1');

    // A promotes its version 2 (and sets 1 as its challenger, in shadow); B's manifest does not list 2 yet.
    await onA.change('m', { champion: '2', challenger: '1', mode: 'shadow' });
    let report = await onB.refresh();
    expect(report).toEqual({ loaded: [], pending: [{ model: 'm', reason: `the registry's manifest lists no version "2"` }] });
    expect(onB.get('m')).toMatchObject({ champion: '2', challenger: '1', mode: 'shadow' }); // What is set, as stored.
    let routing = onB.routing('m');
    expect([routing.champion, routing.shadow, routing.versionFor('k')]).toEqual(['1', undefined, '1']);

    // A load that fails is reported, and tried again on the next refresh.
    b.state.listed.push('2');
    b.state.failure = 'broken file';
    report = await onB.refresh();
    expect(report.pending).toEqual([{ model: 'm', reason: 'broken file' }]);
    expect(onB.routing('m').champion).toBe('1');

    b.state.failure = undefined;
    report = await onB.refresh();
    expect(report).toEqual({ loaded: [{ model: 'm', versions: ['2'] }], pending: [] });
    routing = onB.routing('m');
    expect([routing.champion, routing.shadow]).toEqual(['2', '1']);
    // Nothing left to load: the next refresh loads nothing.
    const loads = b.state.loads;
    expect(await onB.refresh()).toEqual({ loaded: [], pending: [] });
    expect(b.state.loads).toBe(loads);
  });

  it('routes by the default (the newest version served here) when no earlier deployment was servable', async () => {
    const store = memoryDeploymentStore();
    const onA = await Deployments.open(replicaRegistry(['1', '2', '3']).registry, store);
    await onA.change('m', { champion: '3', mode: 'none' });
    const b = replicaRegistry(['1', '2']);
    const onB = await Deployments.open(b.registry, store);
    expect(onB.routing('m').champion).toBe('2');
    expect(() => b.registry.resolve('m', onB.routing('m').champion)).not.toThrow();
  });

  it('leaves a model unloaded here through the admin API unloaded', async () => {
    const store = memoryDeploymentStore();
    const onA = await Deployments.open(replicaRegistry(['1', '2']).registry, store);
    await onA.change('m', { champion: '2', mode: 'none' });
    const b = replicaRegistry(['1']);
    b.state.listed.push('2');
    b.state.unloaded = true;
    const onB = await Deployments.open(b.registry, store);
    expect(await onB.refresh()).toEqual({ loaded: [], pending: [] });
    expect(b.state.loads).toBe(0);
  });

  it('loads nothing before the registry has loaded its models (the start loads them all)', async () => {
    const store = memoryDeploymentStore();
    const onA = await Deployments.open(replicaRegistry(['1', '2']).registry, store);
    await onA.change('m', { champion: '2', mode: 'none' });
    const b = replicaRegistry(['1']);
    (b.registry as { ready: boolean }).ready = false;
    b.state.listed.push('2');
    const onB = await Deployments.open(b.registry, store);
    expect(await onB.refresh()).toEqual({ loaded: [], pending: [] });
    expect(b.state.loads).toBe(0);
  });
});
