/**
 * A throwaway PostgreSQL cluster for the store tests: initdb in a fresh
 * temporary directory, a server on a free port of 127.0.0.1, removed on
 * stop(). The binaries and the run-as-postgres rule are tools/cluster's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initPostgres, startPostgres as startServer, stopPostgres } from '../../tools/cluster/postgres';
import { freePort } from '../../tools/net/free-port';

export interface PostgresCluster {
  /** postgresql://postgres@127.0.0.1:<port>/postgres, the superuser without password. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'store-pg-'));
  await initPostgres(dir);
  for (let attempt = 0; ; attempt++) {
    try {
      // fsync off: a test cluster need not survive a power loss, and the tests' cores are shared.
      const url = await startServer(dir, { port: await freePort(), fsync: false });
      return {
        url,
        async stop() {
          await stopPostgres(dir);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // The port may have been taken between freePort and the start: try another.
      if (attempt === 2) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}
