/**
 * The command line's usage text and the checks of its flag values. Every
 * mistake in the command line is a UsageError: the CLI prints the message
 * and the usage, and exits with 2 (nothing was done), apart from 1 (done,
 * with problems).
 */
import { WINDOW_NAMES } from '../../../src/core/api/evaluation';
import { LOG_SOURCES } from '../log/records';
import { UsageError } from '../../cli/args';

export const DEFAULT_BATCH = 5_000;

export const USAGE = `usage: npm run eval -- <command> [options]

commands:
  import-labels <file.csv|file.jsonl> [--server <url>] [--batch <n>]
      Imports ground truth in bulk. JSONL: one {"key", "label", "time"?} per line.
      CSV: a header row naming the columns key, label and optionally time (RFC 4180 quoting).
      Each row is checked as POST /v1/feedback checks it (key of 1 to 256 characters, a label
      of the model pack, time ISO 8601 with a zone); bad rows are reported with their line
      and skipped. Labels are committed to the store (DATABASE_URL, else DATA_DIR) or, with
      --server, POSTed to <url>/v1/feedback. Prints {"accepted", "pending", "bad"} on stdout;
      exits with 1 if any row was bad.
      --server <url>  the API server to send the labels to (Bearer ADMIN_TOKEN when set)
      --batch <n>     labels per commit (default ${DEFAULT_BATCH}; with --server, at most 10000 per request)

  report --model <name> [--since 24h] [--window 1h] [--version <v>] [--source <s>] [--server <url>] [--json]
      Prints a model's windows as a table: start, version, source, predictions, labelled,
      accuracy [95% interval], estimated accuracy, mean confidence, gate rate, dataset drift
      and the drifted columns. From the store, or with --server from the monitoring route
      (Bearer ADMIN_TOKEN).
      --since <n>m|<n>h|<n>d  how far back from now (default 24h)
      --window ${WINDOW_NAMES.join('|')}   window size (default 1h)
      --version <v>           one model version only
      --source ${LOG_SOURCES.join('|')}   one source only
      --json                  print the windows as JSON ({"model", "windows"}) instead

  --help, -h  this text

environment: DATABASE_URL (PostgreSQL), DATA_DIR (embedded store, default data; a running
  server holds it: use --server then), MODEL_REPOSITORY (default public/models),
  MIN_LABELS (default 30), ADMIN_TOKEN
exit codes: 0 done; 1 done with bad rows, or failed; 2 bad command line`;

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90m`, `24h`, `7d` in milliseconds. */
export function parseSince(text: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(text);
  const n = Number(match?.[1]);
  if (!match || n === 0) throw new UsageError(`--since: ${JSON.stringify(text)} is not a duration such as 90m, 24h or 7d`);
  return n * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** An http(s) base URL, without a trailing slash (a path prefix such as /api is kept). */
export function parseServer(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server: ${JSON.stringify(text)} is not a URL such as http://localhost:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server: ${JSON.stringify(text)} must be an http:// or https:// URL`);
  return url.href.replace(/\/+$/, '');
}
