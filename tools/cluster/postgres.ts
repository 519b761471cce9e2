/**
 * A PostgreSQL server in a folder of its own, from Debian's binaries:
 * initdb on first use (trust on 127.0.0.1, C collation and UTF-8 as PGlite
 * has them), then pg_ctl start and stop. PostgreSQL refuses to run as root, so
 * as root its binaries run as the `postgres` user (which Debian's package
 * creates), and the folder is handed to that user.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

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

const asRoot = () => process.getuid?.() === 0;

/** Runs one of PostgreSQL's tools, as the `postgres` user when we are root. */
export function pgRun(tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const bin = join(postgresBin(), tool);
  return asRoot() ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
}

/** Creates `dir` when missing and, as root, gives it to the `postgres` user. */
export async function ownedByPostgres(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!asRoot()) return;
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  chownSync(dir, Number(uid), Number(gid));
}

/** initdb in `dir` unless it already holds a cluster; true when it made one. */
export async function initPostgres(dir: string): Promise<boolean> {
  if (existsSync(join(dir, 'PG_VERSION'))) return false;
  await ownedByPostgres(dir);
  await pgRun('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  return true;
}

export interface PostgresOptions {
  readonly port: number;
  /** fsync off: for throwaway clusters that need not survive a power loss. */
  readonly fsync?: boolean;
  /** max_connections (PostgreSQL's default is 100). */
  readonly maxConnections?: number;
}

/** Whether a server runs on the cluster in `dir` (a previous run may have left one). */
export async function postgresRunning(dir: string): Promise<boolean> {
  return pgRun('pg_ctl', ['-D', dir, 'status']).then(
    () => true,
    () => false,
  );
}

/** Starts the cluster in `dir` on 127.0.0.1:port (its socket in `dir`) and waits until it accepts connections; returns its URL. */
export async function startPostgres(dir: string, options: PostgresOptions): Promise<string> {
  const settings = [
    `-p ${options.port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    ...(options.fsync === false ? ['-c fsync=off'] : []),
    ...(options.maxConnections ? [`-c max_connections=${options.maxConnections}`] : []),
  ];
  await pgRun('pg_ctl', ['-D', dir, '-o', settings.join(' '), '-l', join(dir, 'log'), '-w', 'start']);
  return `postgresql://postgres@127.0.0.1:${options.port}/postgres`;
}

/** Stops the server of `dir` (fast: open sessions are ended); nothing when none runs. */
export async function stopPostgres(dir: string): Promise<void> {
  await pgRun('pg_ctl', ['-D', dir, 'stop', '-m', 'fast', '-w']).catch(() => undefined);
}
