/**
 * The API server loads no Redis client unless its batch jobs run on a queue
 * or its rate limits are shared (REDIS_URL):
 * ioredis, once loaded, makes string scanning several times slower in the
 * whole process (its VerbatimString subclasses String), and the server parses
 * every request. Checked in a process of its own, with a module hook that
 * reports every ioredis or bullmq module resolved.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

const script = `
  import { register } from 'node:module';
  register(new URL('./test/server/report-redis-imports.mjs', 'file://' + process.cwd() + '/'));
  const { buildServer } = await import('./server/app.ts');
  const { loadConfig } = await import('./server/config.ts');
  const { app } = await buildServer(loadConfig({ EVALUATION: 'off', LOG_LEVEL: 'silent', ...JSON.parse(process.argv[1]) }));
  await app.ready();
  const { runBatchCli } = await import('./server/batch/cli/cli.ts');
  await app.close();
  process.stderr.write('ready\\n');
`;

async function redisModules(env: Record<string, string>): Promise<string[]> {
  const { stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(env)], { cwd: process.cwd() });
  expect(stderr).toContain('ready');
  return stderr.split('\n').filter((line) => line.startsWith('redis-client-loaded'));
}

describe('imports of the API server and the batch command line', () => {
  it('load no Redis client without a queue', async () => {
    expect(await redisModules({})).toEqual([]);
  });

  it('load it with REDIS_URL, for the rate limits replicas share (and start without Redis answering)', async () => {
    expect(await redisModules({ REDIS_URL: 'redis://127.0.0.1:1' })).not.toEqual([]);
  });
});
