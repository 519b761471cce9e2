/**
 * The deployments table on both backends, and the in-memory store behind the
 * same interface: a deployment replaces the model's last one, reads back
 * equal (its previous champion too), several commit in one transaction, the
 * table refuses what the API refuses (an unknown mode, a share outside
 * [0, 1], shadow or ab without a challenger, a previous champion that is the
 * champion), a change made from a deployment replaced since is refused
 * whole, and migration 005 adds the previous champion to the rows
 * written before it.
 */
import { copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, eachBackend, freshStore, tempDir } from '../../../test/db/backends';
import { listMigrations, migrate, MIGRATIONS_DIR } from '../../db/migrate';
import { openBackend } from '../../db/open';
import { memoryDeploymentStore, sqlDeploymentStore, StaleDeploymentError, type DeploymentStore, type StoredDeployment } from './store';

const FIRST: StoredDeployment = {
  model: 'm',
  champion: '1',
  previousChampion: null,
  challenger: null,
  mode: 'none',
  challengerShare: 0,
  since: Date.parse('2026-12-01T10:00:00Z'),
};
const SECOND: StoredDeployment = {
  model: 'm',
  champion: '1',
  previousChampion: '0',
  challenger: '2',
  mode: 'ab',
  challengerShare: 0.25,
  since: Date.parse('2026-12-02T10:00:00.123Z'),
};
const OTHER: StoredDeployment = {
  model: 'n',
  champion: '3',
  previousChampion: null,
  challenger: '4',
  mode: 'shadow',
  challengerShare: 0,
  since: Date.parse('2026-12-03T10:00:00Z'),
};
const byModel = (ds: StoredDeployment[]) => ds.sort((a, b) => a.model.localeCompare(b.model));

/** Puts `ds` over what the store holds now, as a server that has just read it does. */
async function putOver(store: DeploymentStore, ds: readonly StoredDeployment[], alongside?: Parameters<DeploymentStore['put']>[1]): Promise<void> {
  const held = new Map((await store.all()).map((d) => [d.model, d]));
  await store.put(
    ds.map((next) => ({ next, expected: held.get(next.model) })),
    alongside,
  );
}

/** A change made from a deployment another server has replaced since is refused, and writes nothing. */
async function refusesStale(store: DeploymentStore): Promise<void> {
  await store.put([{ next: FIRST, expected: undefined }]);
  // Made as if nothing were stored: another server stored FIRST since.
  await expect(store.put([{ next: SECOND, expected: undefined }])).rejects.toThrow(StaleDeploymentError);
  await store.put([{ next: SECOND, expected: FIRST }]);
  // Made from FIRST, which SECOND replaced; one stale change of two writes neither.
  await expect(
    store.put([
      { next: OTHER, expected: undefined },
      { next: { ...FIRST, since: FIRST.since + 1 }, expected: FIRST },
    ]),
  ).rejects.toThrow(/the deployment of m changed in the store since it was read/);
  expect(await store.all()).toEqual([SECOND]);
}

async function replaces(store: DeploymentStore): Promise<void> {
  await putOver(store, [FIRST]);
  await putOver(store, [OTHER]);
  await putOver(store, [SECOND]);
  expect(byModel(await store.all())).toEqual([SECOND, OTHER]);
  // Several at once: each replaces its own model's.
  const promoted = { ...OTHER, champion: '4', previousChampion: '3', challenger: null, mode: 'none' as const };
  await putOver(store, [FIRST, promoted]);
  expect(byModel(await store.all())).toEqual([FIRST, promoted]);
}

describe('the in-memory deployment store', () => {
  it('keeps the last deployment of each model', () => replaces(memoryDeploymentStore()));
  it('refuses a change made from a deployment replaced since', () => refusesStale(memoryDeploymentStore()));
});

eachBackend('the deployments table', (suite) => {
  it('keeps the last deployment of each model', async () => {
    const { db } = suite();
    await db.query('DELETE FROM deployments');
    await replaces(sqlDeploymentStore(db));
  });

  it('refuses a change made from a deployment replaced since', async () => {
    const { db } = suite();
    await db.query('DELETE FROM deployments');
    await refusesStale(sqlDeploymentStore(db));
  });

  it('changes a row whose time has microseconds (written by hand, with its default) from the row as read', async () => {
    const { db } = suite();
    await db.query('DELETE FROM deployments');
    await db.query("INSERT INTO deployments (model, champion, mode) VALUES ('m', '1', 'none')");
    const store = sqlDeploymentStore(db);
    await putOver(store, [SECOND]);
    expect(await store.all()).toEqual([SECOND]);
  });

  it('runs what goes with a change in its transaction: both commit, or neither', async () => {
    const { db } = suite();
    await db.query('DELETE FROM deployments');
    const store = sqlDeploymentStore(db);
    await putOver(store, [FIRST]);
    await expect(
      putOver(store, [SECOND], async (tx) => {
        await tx.query('SELECT 1');
        throw new Error('the audit entry was refused');
      }),
    ).rejects.toThrow(/refused/);
    expect(await store.all()).toEqual([FIRST]);
    let ran = false;
    await putOver(store, [SECOND], async (tx) => {
      expect(await tx.query<{ champion: string }>("SELECT champion FROM deployments WHERE model = 'm'")).toEqual([{ champion: '1' }]);
      ran = true;
    });
    expect(ran).toBe(true);
    expect(await store.all()).toEqual([SECOND]);
  });

  it('writes several deployments in one transaction: one refused row keeps every model as it was', async () => {
    const { db } = suite();
    await db.query('DELETE FROM deployments');
    const store = sqlDeploymentStore(db);
    await putOver(store, [FIRST, OTHER]);
    const promoted = { ...FIRST, champion: '2', previousChampion: '1' };
    await expect(putOver(store, [promoted, { ...OTHER, challengerShare: 2 }])).rejects.toThrow(/check constraint|violates/);
    expect(byModel(await store.all())).toEqual([FIRST, OTHER]);
  });

  it.each([
    ['an unknown mode', { ...SECOND, mode: 'canary' }],
    ['a share above 1', { ...SECOND, challengerShare: 1.5 }],
    ['ab without a challenger', { ...SECOND, challenger: null }],
    ['the champion as its challenger', { ...SECOND, challenger: '1' }],
    ['the champion as its previous champion', { ...SECOND, previousChampion: '1' }],
  ])('refuses %s', async (_what, deployment) => {
    const store = sqlDeploymentStore(suite().db);
    await expect(putOver(store, [deployment as StoredDeployment])).rejects.toThrow(/check constraint|violates/);
  });
});

for (const kind of BACKENDS) {
  describe(`migration 005 (${kind})`, () => {
    it('adds previous_champion, null for the deployments written before it', async () => {
      // The migrations up to 004, as a store from before 005 has them.
      const before = tempDir('deployments-004-');
      for (const m of listMigrations().filter((m) => m.version <= 4)) copyFileSync(m.file, join(before, basename(m.file)));
      const db = await openBackend((await freshStore(kind)).settings);
      try {
        expect((await migrate(db, before)).map((m) => m.version)).toEqual([1, 2, 3, 4]);
        await db.query("INSERT INTO deployments (model, champion, challenger, mode, since) VALUES ('m', '1', '2', 'shadow', '2026-12-01T10:00:00Z')");
        const applied = await migrate(db, MIGRATIONS_DIR);
        expect(applied.map((m) => m.version)).toContain(5);
        expect(await sqlDeploymentStore(db).all()).toEqual([
          { model: 'm', champion: '1', previousChampion: null, challenger: '2', mode: 'shadow', challengerShare: 0, since: Date.parse('2026-12-01T10:00:00Z') },
        ]);
      } finally {
        await db.close();
      }
    });
  });
}
