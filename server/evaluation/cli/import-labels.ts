/**
 * `import-labels`: ground truth in bulk, the way a data team delivers it.
 * Rows stream from the file into batches; one batch commits while the next
 * is read (never more, so memory stays at two batches and labels of a key
 * keep the file's order: the last one wins). Bad rows are listed by line
 * and skipped, so one typo never costs the other million rows.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { ModelLayouts } from '../layouts';
import type { Io } from '../../cli/io';
import { formatOf, labelRows, type LabelInput, type LabelRow } from './label-rows';
import { serverSink, storeSink, type LabelSink } from './label-sinks';
import { DEFAULT_BATCH, parseServer } from './usage';
import { parsePositiveInt, UsageError } from '../../cli/args';

/** Bad rows listed one by one at most; the rest are counted. */
export const MAX_LISTED = 100;
/** At most one progress line per this many milliseconds. */
const PROGRESS_MS = 1000;

export interface ImportSummary {
  readonly read: number;
  readonly committed: number;
  readonly accepted: number;
  readonly pending: number;
  readonly bad: number;
}

/** A failure that stopped the import; what was committed before it stays. */
export class ImportStopped extends Error {
  override readonly name = 'ImportStopped';
}

export async function importLabels(rows: AsyncIterable<LabelRow>, sink: LabelSink, batchSize: number, say: (line: string) => void): Promise<ImportSummary> {
  const started = performance.now();
  let lastProgress = started;
  let read = 0;
  let bad = 0;
  let committed = 0;
  let accepted = 0;
  let pending = 0;
  let committedLine = 0;
  let batch: LabelInput[] = [];
  let inFlight: Promise<void> | undefined;
  // A commit that fails while the next batch is read is kept here, never left as an unhandled rejection.
  let failure: { error: unknown } | undefined;
  const size = Math.min(batchSize, sink.maxBatch);

  const progress = (prefix: string) => {
    const seconds = (performance.now() - started) / 1000;
    say(`${prefix}read ${read} rows, committed ${committed}, bad ${bad}, ${Math.round(read / Math.max(seconds, 1e-3))} rows/s`);
  };
  const settle = async () => {
    await inFlight;
    if (failure) {
      const cause = failure.error instanceof Error ? failure.error.message : String(failure.error);
      throw new ImportStopped(
        `import stopped: ${cause}. ${committed > 0 ? `${committed} labels were committed (rows up to line ${committedLine})` : 'No label was committed'}; ` +
          'labels are idempotent by key, so importing the file again is safe.',
        { cause: failure.error },
      );
    }
  };
  const flush = async (lastLine: number) => {
    await settle();
    const labels = batch;
    batch = [];
    inFlight = sink.commit(labels).then(
      (result) => {
        committed += labels.length;
        accepted += result.accepted;
        pending += result.pending;
        committedLine = lastLine;
        if (performance.now() - lastProgress >= PROGRESS_MS) {
          lastProgress = performance.now();
          progress('');
        }
      },
      (error: unknown) => {
        failure = { error };
      },
    );
  };

  let line = 0;
  try {
    for await (const row of rows) {
      read++;
      line = row.line;
      if ('error' in row) {
        bad++;
        if (bad <= MAX_LISTED) say(`line ${row.line}: ${row.error}`);
        else if (bad === MAX_LISTED + 1) say('(further bad rows are counted, not listed)');
        continue;
      }
      batch.push(row.label);
      if (batch.length >= size) await flush(row.line);
    }
    if (batch.length > 0) await flush(line);
  } finally {
    // Even when reading fails, the commit under way ends before the sink is closed.
    await inFlight;
  }
  await settle();
  progress('done: ');
  if (bad > 0)
    say(`${bad} bad row${bad === 1 ? ' was' : 's were'} skipped${bad > MAX_LISTED ? ` (the first ${MAX_LISTED} are listed above)` : ' (listed above)'}`);
  return { read, committed, accepted, pending, bad };
}

export async function importLabelsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { server: { type: 'string' }, batch: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(`import-labels takes one file, got ${positionals.length}`);
  const file = positionals[0] as string;
  const format = formatOf(file);
  if (!format) throw new UsageError(`import-labels: ${JSON.stringify(file)} must end in .csv or .jsonl`);
  const batch = values.batch === undefined ? DEFAULT_BATCH : parsePositiveInt('batch', values.batch);
  const server = values.server === undefined ? undefined : parseServer(values.server);

  const config = loadConfig(io.env);
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  if (!info.isFile()) throw new Error(`cannot read ${file}: not a file`);
  const layouts = await ModelLayouts.load(config.modelRegistry);
  const known = layouts.allLabels();
  const sink = server ? serverSink(server, { token: config.adminToken, notice: io.err }) : await storeSink(config.evaluation.store, layouts);
  let summary: ImportSummary;
  try {
    summary = await importLabels(labelRows(file, format, known), sink, batch, io.err);
  } finally {
    await sink.close();
  }
  io.out(`${JSON.stringify({ accepted: summary.accepted, pending: summary.pending, bad: summary.bad })}\n`);
  return summary.bad > 0 ? 1 : 0;
}
