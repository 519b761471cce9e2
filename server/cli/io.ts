/**
 * What a command reads and writes, passed in rather than taken from
 * `process`, so tests run the commands in-process against their own store
 * and see exactly what a user would.
 */
export interface Io {
  /** The settings (DATABASE_URL, DATA_DIR, MODEL_REPOSITORY, MIN_LABELS, ADMIN_TOKEN). */
  readonly env: Record<string, string | undefined>;
  /** Writes to stdout as is: the results, for pipes and scripts. */
  readonly out: (text: string) => void;
  /** Writes one line to stderr: progress, bad rows, problems. */
  readonly err: (line: string) => void;
}

export const processIo: Io = {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(`${line}\n`),
};
