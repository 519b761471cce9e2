/**
 * A throwaway PostgreSQL cluster for the store tests: initdb in a fresh
 * temporary directory, a server on a free port of 127.0.0.1, removed on
 * stop(). PostgreSQL refuses to run as root, so as root its binaries run as
 * the `postgres` user (which Debian's package creates).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../server/spawn-server';

const run = promisify(execFile);

const ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest PostgreSQL installed: /usr/lib/postgresql/<major>/bin (fs.glob needs Node 22). */
export function postgresBin(): string {
  const majors = existsSync(ROOT) ? readdirSync(ROOT) : [];
  const found = majors
    .map((major) => join(ROOT, major, 'bin'))
    .filter((bin) => existsSync(join(bin, 'initdb')))
    .sort((a, b) => Number(b.split('/')[4]) - Number(a.split('/')[4]))[0];
  if (!found) throw new Error(`PostgreSQL not found (no ${ROOT}/*/bin/initdb): run scripts/ensure-postgres.sh`);
  return found;
}

export interface PostgresCluster {
  /** postgresql://postgres@127.0.0.1:<port>/postgres, the superuser without password. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'store-pg-'));
  const asRoot = process.getuid?.() === 0;
  const pgRun = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout), Number(gid));
  }
  // C collation and UTF-8, as PGlite has them, so text sorts the same on both backends.
  await pgRun('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  let port: number;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    // fsync off: a test cluster need not survive a power loss, and the tests' cores are shared.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    try {
      await pgRun('pg_ctl', ['-D', dir, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
      break;
    } catch (error) {
      // The port may have been taken between freePort and the start: try another.
      if (attempt === 2) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await pgRun('pg_ctl', ['-D', dir, 'stop', '-m', 'fast']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
