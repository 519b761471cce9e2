/**
 * The evaluation command line, `npm run eval -- <command>`: picks the
 * command, and turns what went wrong into an exit code: 2 and the usage for
 * a bad command line (nothing was done), 1 and the message for a failure
 * (a setting, the store, the server, a file that cannot be read).
 */
import { StoreLockedError } from '../../db/dir-lock';
import { importLabelsCommand } from './import-labels';
import type { Io } from '../../cli/io';
import { reportCommand } from './report';
import { USAGE } from './usage';
import { UsageError } from '../../cli/args';

const COMMANDS: Readonly<Record<string, (args: string[], io: Io) => Promise<number>>> = {
  'import-labels': importLabelsCommand,
  report: (args, io) => reportCommand(args, io),
};

/** node:util parseArgs reports unknown flags and missing values with these codes. */
const isParseArgsError = (error: unknown): error is Error =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS_');

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help' || args.includes('--help') || args.includes('-h')) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const run = command === undefined ? undefined : COMMANDS[command];
  try {
    if (!run) throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
    return await run(args, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`eval: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    // Settings (ConfigError), the store, the server, the file: the message says which.
    io.err(`eval: ${error instanceof Error ? error.message : String(error)}`);
    // A running server holds PGlite's directory; it can take the same work over HTTP.
    if (error instanceof StoreLockedError) io.err('eval: or pass --server <url> to go through the server that holds the store');
    return 1;
  }
}
