/** node:util parseArgs reports unknown flags and missing values with these codes: a bad command line. */
export const isParseArgsError = (error: unknown): error is Error =>
  error instanceof Error &&
  typeof (error as NodeJS.ErrnoException).code === 'string' &&
  ((error as NodeJS.ErrnoException).code ?? '').startsWith('ERR_PARSE_ARGS_');
