/**
 * npm run eval -- <command> [options]   (see usage.ts, or --help)
 *
 * The process around the evaluation command line. It sets the exit code and
 * lets Node end on its own rather than calling process.exit: stdout into a
 * pipe is written asynchronously, and exiting early would cut off the JSON.
 */
import { runCli } from './cli';
import { processIo } from '../../cli/io';

process.exitCode = await runCli(process.argv.slice(2), processIo);
