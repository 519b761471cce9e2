/**
 * The CLI as a user runs it, in a process of its own on a PGlite store in a
 * temporary DATA_DIR: exit codes, the JSON on stdout (complete, though Node
 * writes a pipe asynchronously), progress and bad rows on stderr.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { WindowsResponse } from '../../../src/core/api/evaluation';
import { freshStore, tempDir } from '../../../test/db/backends';
import { openDatabase } from '../../db/open';

const run = promisify(execFile);

/** Runs `npm run eval -- ...args` as node does it; resolves with the exit code and both outputs. */
async function evalCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only what Node needs from the test's environment: the store's settings come from `env` alone.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/evaluation/cli/main.ts', ...args], { env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run eval (a child process)', () => {
  it('imports labels into DATA_DIR, then reports, with the documented exit codes', async () => {
    const { settings } = await freshStore('pglite');
    const env = { DATA_DIR: settings.dataDir };
    const path = join(tempDir('cli-'), 'truth.jsonl');
    writeFileSync(path, '{"key":"a","label":"1"}\n{"key":"b","label":"11"}\n{"key":"c","label":"2","time":"2026-11-29T12:00:00Z"}\n');

    const imported = await evalCli(['import-labels', path], env);
    expect(imported.code).toBe(1);
    expect(JSON.parse(imported.stdout)).toEqual({ accepted: 2, pending: 2, bad: 1 });
    expect(imported.stderr).toMatch(/^line 2: label: "11" is not a label of the model pack/m);
    expect(imported.stderr).toMatch(/^done: read 3 rows, committed 2, bad 1, \d+ rows\/s$/m);
    const db = await openDatabase(settings);
    const labels = await db.query<{ key: string; label: string }>('SELECT key, label FROM labels ORDER BY key');
    await db.close();
    expect(labels).toEqual([
      { key: 'a', label: '1' },
      { key: 'c', label: '2' },
    ]);

    const good = join(tempDir('cli-'), 'good.csv');
    writeFileSync(good, 'key,label\nd,3\n');
    const clean = await evalCli(['import-labels', good, '--batch', '1'], env);
    expect([clean.code, JSON.parse(clean.stdout)]).toEqual([0, { accepted: 1, pending: 1, bad: 0 }]);

    const report = await evalCli(['report', '--model', 'digits-full', '--json'], env);
    expect(report.code).toBe(0);
    expect(WindowsResponse.parse(JSON.parse(report.stdout))).toEqual({ model: 'digits-full', windows: [] });
    const table = await evalCli(['report', '--model', 'digits-full', '--window', '1d', '--since', '7d'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^start \(UTC\) +version +source +predictions/);
  });

  it('prints the usage: on --help with 0, on a bad command or flag with 2', async () => {
    const help = await evalCli(['--help'], {});
    expect([help.code, help.stdout.split('\n')[0], help.stderr]).toEqual([0, 'usage: npm run eval -- <command> [options]', '']);
    const bad = await evalCli(['import-label', 'x.csv'], {});
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/^eval: unknown command "import-label"\n\nusage: npm run eval/);
    const flag = await evalCli(['report', '--model', 'digits-full', '--sinse', '2h'], {});
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^eval: Unknown option '--sinse'/);
  });
});
