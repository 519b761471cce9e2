/**
 * npm run models:retrain (see command.ts, or --help): exit code 0 when a new
 * version was written, 1 when it failed (the message says why), 2 for a bad
 * command line.
 */
import { UsageError } from '../../cli/args';
import { processIo } from '../../cli/io';
import { retrainCommand, USAGE } from './command';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  processIo.out(`${USAGE}\n`);
} else {
  try {
    process.exitCode = await retrainCommand(args, processIo);
  } catch (error) {
    const usage = error instanceof UsageError || (error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_'));
    processIo.err(`retrain: ${error instanceof Error ? error.message : String(error)}${usage ? `\n\n${USAGE}` : ''}`);
    process.exitCode = usage ? 2 : 1;
  }
}
