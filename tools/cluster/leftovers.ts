/**
 * The processes a cluster started, recorded in its folder (`pids`), so a
 * run that was killed before it could stop them (SIGKILL, a closed terminal)
 * does not leave replicas or HAProxy holding the ports the next run needs.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Words one of the cluster's own command lines contains; any other process with a recycled pid is left alone. */
const OURS = ['server/main.ts', 'server/batch/cli/main.ts', 'haproxy', 'redis-server'];

const file = (dir: string) => join(dir, 'pids');

export function recordPid(dir: string, pid: number | undefined): void {
  if (pid !== undefined) appendFileSync(file(dir), `${pid}\n`);
}

/** After a clean stop: nothing is left to look for. */
export function forgetPids(dir: string): void {
  rmSync(file(dir), { force: true });
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** SIGKILLs every recorded process still running one of the cluster's commands, waits for them to go, and forgets the list; returns how many. */
export async function stopLeftovers(dir: string): Promise<number> {
  if (!existsSync(file(dir))) return 0;
  const pids = readFileSync(file(dir), 'utf8')
    .split('\n')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0);
  const left = pids.filter((pid) => OURS.some((word) => commandLine(pid).includes(word)));
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  for (let tries = 0; tries < 100 && left.some((pid) => commandLine(pid) !== ''); tries++) await new Promise((r) => setTimeout(r, 50));
  rmSync(file(dir), { force: true });
  return left.length;
}
