/**
 * Runs one test suite against both backends: PGlite in a fresh temporary
 * directory, and PostgreSQL in a fresh database of a cluster started once
 * per test file (on first use) and removed after the file's tests.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Database, DatabaseKind, DatabaseSettings } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import { startPostgres, type PostgresCluster } from './postgres-cluster';

export const BACKENDS: readonly DatabaseKind[] = ['pglite', 'postgres'];

export interface TestStore {
  readonly kind: DatabaseKind;
  /** Settings that open this store (and only it) with openDatabase. */
  readonly settings: DatabaseSettings;
}

const cleanups: (() => Promise<void> | void)[] = [];
let cluster: Promise<PostgresCluster> | undefined;
let template: Promise<string> | undefined;
let databases = 0;

// Importing this module from a test file registers the file's clean-up.
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** This file's PostgreSQL cluster. */
export function postgresCluster(): Promise<PostgresCluster> {
  if (!cluster) {
    cluster = startPostgres();
    const started = cluster;
    cleanups.unshift(async () => (await started).stop()); // Runs last, after every database is closed.
  }
  return cluster;
}

/**
 * A directory PGlite has initialised, shared by every test file and run: PGlite's initdb takes
 * seconds (more on busy shared cores), a copy milliseconds. One per PGlite version, in the temp
 * directory; built aside and renamed into place, so a file only ever sees a complete one.
 */
async function pgliteTemplate(): Promise<string> {
  // The package's exports hide its package.json: find it beside the entry point (dist/index.cjs).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  const dir = join(tmpdir(), `store-pglite-template-${version}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const build = mkdtempSync(join(tmpdir(), 'store-pglite-build-'));
  try {
    await (await PGlite.create({ dataDir: build })).close();
    renameSync(build, dir);
  } catch (error) {
    // Another test file got there first: use theirs.
    if (!existsSync(join(dir, 'PG_VERSION'))) throw error;
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return dir;
}

/** An empty PGlite directory of its own. */
async function freshPGliteDir(): Promise<string> {
  template ??= pgliteTemplate();
  const dir = join(tempDir('store-'), 'data');
  cpSync(await template, dir, { recursive: true });
  return dir;
}

/** A new empty store of `kind`. */
export async function freshStore(kind: DatabaseKind): Promise<TestStore> {
  if (kind === 'pglite') return { kind, settings: { databaseUrl: undefined, dataDir: await freshPGliteDir() } };
  const { url } = await postgresCluster();
  const name = `store_${++databases}`;
  const admin = new pg.Client(url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const databaseUrl = url.replace(/\/postgres$/, `/${name}`);
  // The data dir must never be used for PostgreSQL: one that does not exist shows it.
  return { kind, settings: { databaseUrl, dataDir: join(tmpdir(), 'store-unused', name) } };
}

export interface BackendSuite {
  readonly store: TestStore;
  /** The store opened (migrated) for the suite. */
  readonly db: Database;
  /** Closes the suite's database and opens the store again. */
  reopen(): Promise<Database>;
}

/** Declares `title` once per backend; `suite()` is that backend's store, opened before the suite's tests and closed after. */
export function eachBackend(title: string, body: (suite: () => BackendSuite) => void): void {
  for (const kind of BACKENDS) {
    describe(`${title} (${kind})`, () => {
      let current: BackendSuite | undefined;
      beforeAll(async () => {
        const store = await freshStore(kind);
        let db = await openDatabase(store.settings);
        current = {
          store,
          get db() {
            return db;
          },
          async reopen() {
            await db.close();
            db = await openDatabase(store.settings);
            return db;
          },
        };
      });
      afterAll(() => current?.db.close());
      body(() => {
        if (!current) throw new Error(`the ${kind} store is not open yet: use suite() inside tests or hooks`);
        return current;
      });
    });
  }
}
