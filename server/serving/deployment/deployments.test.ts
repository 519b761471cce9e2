/**
 * Deployments over a registry serving m and p, versions 1, 2 and 3 (m's 3 with another
 * input): the default, routing in each mode, versions with another input
 * refused as challengers, replicas sharing a store seeing each other's
 * changes once they refresh, the previous champion kept through changes,
 * promotions of several models checked whole before any is written, and
 * rollbacks to the previous champion.
 */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/core/api/errors';
import type { Queryable } from '../../db/database';
import type { ServingModel } from '../model';
import type { ModelRegistry } from '../registry';
import { Deployments } from './deployments';
import { memoryDeploymentStore, type DeploymentStore } from './store';

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
        puts.push(ds.map((d) => d.model));
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
