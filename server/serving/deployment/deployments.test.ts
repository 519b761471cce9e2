/**
 * Deployments over a registry serving m versions 1, 2 and 3 (3 with another
 * input): the default, routing in each mode, versions with another input
 * refused as challengers, and replicas sharing a store seeing each other's
 * changes once they refresh.
 */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/core/api/errors';
import type { ServingModel } from '../model';
import type { ModelRegistry } from '../registry';
import { Deployments } from './deployments';
import { memoryDeploymentStore } from './store';

const VERSIONS = ['1', '2', '3'];
const registry = {
  has: (name: string) => name === 'm',
  versions: (name: string) => (name === 'm' ? VERSIONS : []),
  resolve: (name: string, version?: string) => {
    if (name !== 'm') throw new ServiceError('MODEL_NOT_FOUND', `unknown model "${name}"`);
    const v = version ?? '3';
    return { entry: { name, version: v }, input: { name: 'pixels', shape: v === '3' ? [-1, 1, 32, 32] : [-1, 1, 28, 28] } } as unknown as ServingModel;
  },
} as unknown as ModelRegistry;

describe('deployments', () => {
  it('defaults to the newest version alone', async () => {
    const deployments = await Deployments.open(registry, memoryDeploymentStore());
    expect(deployments.get('m')).toEqual({ model: 'm', champion: '3', challenger: null, mode: 'none', challenger_share: 0, since: null });
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
