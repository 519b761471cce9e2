/**
 * Runs RETRAIN_COMMAND for one retraining: through the shell, in a process
 * group of its own (npm, node and python beneath it), with the run's model,
 * start version, audit id and export folder in its environment. Its output
 * goes to a log file in the run's folder, and its last lines are kept for the
 * audit log. Past the timeout the whole group is killed and the run fails.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { RETRAIN_ENV } from '../../../src/core/api/retrain';

/** Characters of the command's output kept for the audit entry: enough for its last message. */
const TAIL_CHARS = 2000;

export interface CommandRun {
  readonly model: string;
  readonly fromVersion: string;
  readonly auditId: string;
  /** The run's folder: the export is there, and the command's log goes there. */
  readonly work: string;
  readonly registry: string;
  readonly timeoutMs: number;
  /** Aborted (the server is stopping): the command's group is killed as on a timeout. */
  readonly signal?: AbortSignal | undefined;
}

export interface CommandOutcome {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly seconds: number;
  /** The end of its output (stdout and stderr together). */
  readonly tail: string;
  readonly logFile: string;
}

export function runRetrainCommand(command: string, run: CommandRun, env: NodeJS.ProcessEnv = process.env): Promise<CommandOutcome> {
  const started = Date.now();
  const logFile = resolve(run.work, 'retrain.log');
  const log = createWriteStream(logFile);
  let tail = '';
  return new Promise((done, fail) => {
    const child = spawn(command, {
      shell: true,
      // A group of its own, so a timeout stops everything the command started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...env,
        [RETRAIN_ENV.model]: run.model,
        [RETRAIN_ENV.fromVersion]: run.fromVersion,
        [RETRAIN_ENV.auditId]: run.auditId,
        [RETRAIN_ENV.export]: resolve(run.work),
        MODEL_REPOSITORY: resolve(run.registry),
      },
    });
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, run.timeoutMs);
    run.signal?.addEventListener('abort', killGroup, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      log.end();
      fail(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', killGroup);
      log.end(() => done({ code, signal, timedOut, seconds: (Date.now() - started) / 1000, tail: tail.trim(), logFile }));
    });
  });
}
