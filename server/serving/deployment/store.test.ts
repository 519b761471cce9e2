/**
 * The deployments table on both backends, and the in-memory store behind the
 * same interface: a deployment replaces the model's last one, reads back
 * equal, and the table refuses what the API refuses (an unknown mode, a
 * share outside [0, 1], shadow or ab without a challenger).
 */
import { describe, expect, it } from 'vitest';
import { eachBackend } from '../../../test/db/backends';
import { memoryDeploymentStore, sqlDeploymentStore, type DeploymentStore, type StoredDeployment } from './store';

const FIRST: StoredDeployment = { model: 'm', champion: '1', challenger: null, mode: 'none', challengerShare: 0, since: Date.parse('2026-12-01T10:00:00Z') };
const SECOND: StoredDeployment = {
  model: 'm',
  champion: '1',
  challenger: '2',
  mode: 'ab',
  challengerShare: 0.25,
  since: Date.parse('2026-12-02T10:00:00.123Z'),
};
const OTHER: StoredDeployment = { model: 'n', champion: '3', challenger: '4', mode: 'shadow', challengerShare: 0, since: Date.parse('2026-12-03T10:00:00Z') };

async function replaces(store: DeploymentStore): Promise<void> {
  await store.put(FIRST);
  await store.put(OTHER);
  await store.put(SECOND);
  expect((await store.all()).sort((a, b) => a.model.localeCompare(b.model))).toEqual([SECOND, OTHER]);
}

describe('the in-memory deployment store', () => {
  it('keeps the last deployment of each model', () => replaces(memoryDeploymentStore()));
});

eachBackend('the deployments table', (suite) => {
  it('keeps the last deployment of each model', async () => {
    const { db } = suite();
    await db.query('DELETE FROM deployments');
    await replaces(sqlDeploymentStore(db));
  });

  it('runs what goes with a change in its transaction: both commit, or neither', async () => {
    const { db } = suite();
    await db.query('DELETE FROM deployments');
    const store = sqlDeploymentStore(db);
    await store.put(FIRST);
    await expect(
      store.put(SECOND, async (tx) => {
        await tx.query('SELECT 1');
        throw new Error('the audit entry was refused');
      }),
    ).rejects.toThrow(/refused/);
    expect(await store.all()).toEqual([FIRST]);
    let ran = false;
    await store.put(SECOND, async (tx) => {
      expect(await tx.query<{ champion: string }>("SELECT champion FROM deployments WHERE model = 'm'")).toEqual([{ champion: '1' }]);
      ran = true;
    });
    expect(ran).toBe(true);
    expect(await store.all()).toEqual([SECOND]);
  });

  it.each([
    ['an unknown mode', { ...SECOND, mode: 'canary' }],
    ['a share above 1', { ...SECOND, challengerShare: 1.5 }],
    ['ab without a challenger', { ...SECOND, challenger: null }],
    ['the champion as its challenger', { ...SECOND, challenger: '1' }],
  ])('refuses %s', async (_what, deployment) => {
    const store = sqlDeploymentStore(suite().db);
    await expect(store.put(deployment as StoredDeployment)).rejects.toThrow(/check constraint|violates/);
  });
});
