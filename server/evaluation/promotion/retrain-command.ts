/**
 * Runs RETRAIN_COMMAND for one retraining: through the shell, in a process
 * group of its own (npm, node and python beneath it), with the run's model,
 * start version, audit id and export folder in its environment. Its output
 * goes to a log file in the run's folder, and its last lines are kept for the
 * audit log. Past the timeout, or when the server stops, the whole group is
 * killed and the run fails; once the command ends, whatever it left running
 * in its group is killed too, so nothing writes the registry afterwards.
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
  /** The end of its output (stdout and stderr together), as text a JSON column takes. */
  readonly tail: string;
  readonly logFile: string;
}

/** No NUL (jsonb refuses it) and no half of a surrogate pair where the tail was cut. */
const storable = (text: string) =>
  text
    .replace(/\0/g, '')
    .replace(/^[\uDC00-\uDFFF]/, '')
    .trim();

export function runRetrainCommand(command: string, run: CommandRun, env: NodeJS.ProcessEnv = process.env): Promise<CommandOutcome> {
  run.signal?.throwIfAborted();
  const started = Date.now();
  const logFile = resolve(run.work, 'retrain.log');
  const log = createWriteStream(logFile);
  let logError: Error | undefined;
  // A full disk must not take the server down: the log is lost, the run goes on.
  log.on('error', (error) => (logError ??= error));
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
    const keep = (chunk: string) => {
      if (!logError) log.write(chunk);
      tail = (tail + chunk).slice(-TAIL_CHARS);
    };
    // Decoded as streams, so a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const stop = () => {
      killGroup();
      // A descendant that left the group may still hold the pipes: the run does not wait for it.
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, run.timeoutMs);
    run.signal?.addEventListener('abort', stop, { once: true });
    const settle = () => {
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', stop);
    };
    child.on('error', (error) => {
      settle();
      log.end();
      fail(error);
    });
    child.on('close', (code, signal) => {
      settle();
      killGroup();
      const outcome = { code, signal, timedOut, seconds: (Date.now() - started) / 1000, tail: storable(tail), logFile };
      if (logError) done(outcome);
      else log.end(() => done(outcome));
    });
  });
}
