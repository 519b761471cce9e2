/**
 * An exclusive lock on PGlite's directory. PGlite does not lock it, and two
 * processes writing one PostgreSQL data directory corrupt it; so a lock file
 * created with O_EXCL holds the owner's pid, and a lock whose process is gone
 * (crashed, SIGKILLed, the container restarted) is stale and taken over.
 */
import { readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK_FILE = '.store.lock';

/** Identifies one run of a process, so a pid reused by another process after a restart is not mistaken for the holder. */
function startOf(pid: number): string {
  try {
    // Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces): start time in ticks since boot.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return ''; // Not Linux, or no such process: the pid alone decides.
  }
}

function isRunning(pid: number, start: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = startOf(pid);
  return start === '' || now === '' || now === start;
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether the lock's writer may still hold it. Our own pid is this run unless its start time
 * differs (an earlier run that had this pid: pid 1 in a restarted container): then another thread
 * of ours holds it, or one that ended without closing (worker threads run no exit handlers).
 */
function holds(pid: number, start: string): boolean {
  if (pid !== process.pid) return isRunning(pid, start);
  const own = startOf(pid);
  return start === '' || own === '' || start === own;
}

export class StoreLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the store in ${dir} is in use by process ${pid}${pid === process.pid ? ' (this process)' : ''} (its lock file ${join(dir, LOCK_FILE)}): ` +
        'PGlite serves one process at a time, so replicas of the server cannot share it. ' +
        `Stop process ${pid}, or set DATABASE_URL to a PostgreSQL server that several processes can share (every replica the same one).`,
    );
    this.name = 'StoreLockedError';
  }
}

/**
 * Takes the lock of `dir` (which must exist) or throws StoreLockedError.
 * Returns the release, safe to call twice, and also run on process exit
 * (but not a worker thread's: its exit runs no handlers, close the store).
 */
export async function lockDirectory(dir: string): Promise<() => void> {
  const real = realpathSync(dir);
  const path = join(real, LOCK_FILE);
  const mine = `${process.pid}\n${startOf(process.pid)}\n`;
  for (let attempt = 0; ; attempt++) {
    if (attempt === 100) throw new Error(`could not take the lock ${path}: it keeps changing`);
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = readLock(path);
    if (text === undefined) continue; // Released meanwhile: try again.
    const [pidText = '', start = ''] = text.split('\n');
    const pid = Number(pidText);
    const complete = text.endsWith('\n') && Number.isSafeInteger(pid) && pid > 0;
    // An incomplete file may be one being written right now: give its writer a moment before calling it stale.
    if (!complete && attempt < 20) {
      await sleep(50);
      continue;
    }
    if (complete && holds(pid, start)) throw new StoreLockedError(real, pid);
    // Stale: remove it unless someone replaced it since we read it, then try again.
    if (readLock(path) === text) unlinkIfThere(path);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readLock(path) === mine) unlinkIfThere(path);
  };
  process.on('exit', release);
  return release;
}
