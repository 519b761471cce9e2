/**
 * RETRAIN_COMMAND's runner: the environment the command gets, its output
 * kept in a log file and as a tail a JSON column takes (characters split
 * across chunks stay whole, NUL is dropped), the whole process group killed
 * on a timeout or when the server stops (a background child too), and no
 * command started once the server is stopping.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/db/backends';
import { runRetrainCommand, type CommandRun } from './retrain-command';

const run = (overrides: Partial<CommandRun> = {}): CommandRun => ({
  model: 'digits-small',
  fromVersion: '3',
  auditId: '41',
  work: tempDir('retrain-command-'),
  registry: '/registry',
  timeoutMs: 60_000,
  ...overrides,
});

/** Whether a process with this pid is alive. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('runRetrainCommand', () => {
  it('gives the command the run in its environment and keeps its output', async () => {
    const outcome = await runRetrainCommand(
      'echo "$RETRAIN_MODEL $RETRAIN_FROM_VERSION $RETRAIN_AUDIT_ID $MODEL_REPOSITORY"; printf "é\\0 and more" >&2; exit 4',
      run(),
    );
    expect(outcome).toMatchObject({ code: 4, signal: null, timedOut: false });
    expect(outcome.tail).toBe('digits-small 3 41 /registry\né and more');
    expect(readFileSync(outcome.logFile, 'utf8')).toContain('digits-small 3 41 /registry');
  });

  it('kills the whole group past the timeout, a background child too', async () => {
    const work = tempDir('retrain-command-');
    const started = Date.now();
    const outcome = await runRetrainCommand(`sleep 30 & echo $! > "${work}/child.pid"; sleep 30`, run({ work, timeoutMs: 300 }));
    expect(outcome.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    const child = Number(readFileSync(`${work}/child.pid`, 'utf8'));
    await expect.poll(() => alive(child), { timeout: 5000 }).toBe(false);
  });

  it('kills what the command left running when it exits, and starts nothing once stopping', async () => {
    const work = tempDir('retrain-command-');
    const outcome = await runRetrainCommand(`(sleep 30 >/dev/null 2>&1 & echo $! > "${work}/child.pid"); exit 0`, run({ work }));
    expect(outcome.code).toBe(0);
    const child = Number(readFileSync(`${work}/child.pid`, 'utf8'));
    await expect.poll(() => alive(child), { timeout: 5000 }).toBe(false);

    const stopping = new AbortController();
    const pending = runRetrainCommand('sleep 30', run({ signal: stopping.signal }));
    setTimeout(() => stopping.abort(), 200);
    expect((await pending).signal).toBe('SIGKILL');
    expect(() => runRetrainCommand('echo never', run({ signal: stopping.signal }))).toThrow();
  });
});
