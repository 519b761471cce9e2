/** Command-line arguments shared by the npm run commands (eval, batch): a usage error and checked values. */

/** A bad command line: the command prints its usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parsePositiveInt(flag: string, text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) === 0) throw new UsageError(`--${flag}: ${JSON.stringify(text)} is not a positive whole number`);
  return Number(text);
}

export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${flag}: ${JSON.stringify(text)} is not one of ${allowed.join(', ')}`);
  return text as T;
}
