/**
 * PGlite's directory lock: a second process is refused with a message that
 * says what to do, a lock left by a dead process is taken over, and the lock
 * goes with close() and with the process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { freshStore, tempDir } from '../../test/db/backends';
import { spawnStoreChild } from '../../test/db/children';
import type { DatabaseSettings } from './database';
import { StoreLockedError } from './dir-lock';
import { openDatabase } from './open';

const lockOf = (settings: DatabaseSettings) => join(settings.dataDir, '.store.lock');

async function pglite(): Promise<DatabaseSettings> {
  return (await freshStore('pglite')).settings;
}

/** The pid of a process that has exited (and, barring a wrap-around of pids, is not running). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid as number;
}

describe('the PGlite directory lock', () => {
  it('creates a missing directory, parents included, and holds it while open', async () => {
    const settings: DatabaseSettings = { databaseUrl: undefined, dataDir: join(tempDir('store-'), 'a', 'b', 'data') };
    const db = await openDatabase(settings);
    expect(readFileSync(lockOf(settings), 'utf8').split('\n')[0]).toBe(String(process.pid));
    await db.close();
    expect(existsSync(lockOf(settings))).toBe(false);
    await db.close(); // Twice is fine.
  });

  it('refuses a second process with a message naming the directory, the holder and what to do', async () => {
    const settings = await pglite();
    const db = await openDatabase(settings);
    try {
      const child = spawnStoreChild('open', settings);
      expect(await child.exited).toBe(1);
      const message = child.stderr();
      expect(message).toContain(`the store in ${settings.dataDir} is in use by process ${process.pid}`);
      expect(message).toContain(`Stop process ${process.pid}, or set DATABASE_URL`);
      expect(message).toContain('replicas of the server cannot share it');
      expect(child.lines).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses a second open in the same process', async () => {
    const settings = await pglite();
    const db = await openDatabase(settings);
    try {
      await expect(openDatabase(settings)).rejects.toBeInstanceOf(StoreLockedError);
    } finally {
      await db.close();
    }
    // Released: it opens again.
    await (await openDatabase(settings)).close();
  });

  it('refuses this process while one of its worker threads holds it', async () => {
    const settings = await pglite();
    const worker = new Worker(new URL('../../test/db/store-worker.mjs', import.meta.url), { workerData: settings });
    try {
      const [opened] = (await once(worker, 'message')) as [string];
      expect(opened).toBe('open');
      await expect(openDatabase(settings)).rejects.toThrow(`in use by process ${process.pid} (this process)`);
      worker.postMessage('close');
      expect(await once(worker, 'message')).toEqual(['closed']);
    } finally {
      await worker.terminate();
    }
    await (await openDatabase(settings)).close();
  });

  it('takes over a lock whose process is gone', async () => {
    const settings = await pglite();
    const stale = await deadPid();
    writeFileSync(lockOf(settings), `${stale}\n\n`);
    const db = await openDatabase(settings);
    expect(readFileSync(lockOf(settings), 'utf8').split('\n')[0]).toBe(String(process.pid));
    await db.close();
  });

  it('takes over a lock whose pid now belongs to another process, or to this process in an earlier run', async () => {
    const settings = await pglite();
    // A live process, but not the run that wrote the lock: its start time differs (Linux).
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      if (existsSync(`/proc/${other.pid}/stat`)) {
        writeFileSync(lockOf(settings), `${other.pid}\n1\n`);
        await (await openDatabase(settings)).close();
      }
    } finally {
      other.kill('SIGKILL');
    }
    // This process's own pid, left by an earlier run (pid 1 in a restarted container).
    writeFileSync(lockOf(settings), `${process.pid}\n1\n`);
    await (await openDatabase(settings)).close();
  });

  it('releases the lock when the process exits without closing', async () => {
    const settings = await pglite();
    const child = spawnStoreChild('exit', settings);
    expect(await child.exited).toBe(0);
    expect(child.lines).toEqual(['open']);
    expect(existsSync(lockOf(settings))).toBe(false);
  });

  it('refuses while another process holds it, and takes it over once that process is killed', async () => {
    const settings = await pglite();
    const holder = spawnStoreChild('open', settings);
    try {
      await holder.until((lines) => lines.includes('open'));
      await expect(openDatabase(settings)).rejects.toThrow(`in use by process ${holder.process.pid}`);
    } finally {
      holder.process.kill('SIGKILL');
      await holder.exited;
    }
    // Killed: its lock is stale now and PGlite recovers.
    await (await openDatabase(settings)).close();
  });
});
