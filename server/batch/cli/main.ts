/**
 * npm run batch -- predict --model <name>[@<version>] --input <file> --output <dir> [options]
 * npm run batch -- worker --queue <redis-url> [--concurrency <n>]
 *
 * The process around the batch command line (cli.ts, usage.ts). Ctrl-C
 * (SIGINT) stops the job cleanly: no new chunks, running ones given up with
 * nothing of them committed, job.json written, exit code 130; a second
 * Ctrl-C ends the process at once (what was committed stays). SIGTERM
 * stops the same way (a worker finishes its running chunks, then exits), and
 * a second SIGTERM ends it at once. Node ends on its own rather than by
 * process.exit, so stdout is flushed.
 */
import { runBatchCli } from './cli';

const controller = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\nbatch: stopping (Ctrl-C again to quit at once)…\n');
  controller.abort();
});
// A service manager's stop: as Ctrl-C (a worker finishes its running chunks first).
process.once('SIGTERM', () => controller.abort());

process.exitCode = await runBatchCli(
  process.argv.slice(2),
  {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (line) => process.stderr.write(`${line}\n`),
    errRaw: (text) => process.stderr.write(text),
    terminal: process.stderr.isTTY === true,
  },
  controller.signal,
);
