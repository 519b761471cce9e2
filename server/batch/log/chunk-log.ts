/**
 * `--log`: a job's predictions into the evaluation store's prediction log,
 * with source `batch`, so a re-score of logged inputs with another version can
 * be compared with the served one on the same keys. The coordinator process
 * opens the store once; each committed chunk's predictions file is read as a
 * stream and written in batches. Inserts are idempotent on (key, model,
 * version, source), so logging a chunk again (a resumed or rerun job logs
 * every complete chunk again) adds nothing.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { argmax, softmax } from '../../../src/core/math/probabilities';
import type { Database, DatabaseSettings } from '../../db/database';
import { openDatabase } from '../../db/open';
import { insertPredictions } from '../../evaluation/ingest/predictions';
import { ModelLayouts } from '../../evaluation/layouts';
import type { PredictionRow } from '../../evaluation/log/records';
import { predictionsFile, type BatchJob } from '../job/spec';

/** Rows per insert (one transaction each). */
export const LOG_BATCH_ROWS = 2_000;

interface OutputLine {
  readonly key: string;
  readonly label: string;
  readonly probabilities?: readonly number[];
  readonly logits?: readonly number[];
}

export class ChunkLog {
  private constructor(
    private readonly db: Database,
    private readonly layouts: ModelLayouts,
    /** Whether this log opened the store, and so closes it. */
    private readonly owned = true,
  ) {}

  /** Over a store already open (the server's): closing the log leaves it open. */
  static over(db: Database, layouts: ModelLayouts): ChunkLog {
    return new ChunkLog(db, layouts, false);
  }

  /** Opens the store (migrated) and the registry's layouts; throws with a clear message when the store cannot be opened. */
  static async open(settings: DatabaseSettings, registry: string): Promise<ChunkLog> {
    let db: Database;
    try {
      db = await openDatabase(settings);
    } catch (error) {
      throw new Error(`--log: cannot open the evaluation store: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      return new ChunkLog(db, await ModelLayouts.load(registry));
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
  }

  /**
   * Logs the rows of a committed chunk's predictions file; returns how many were new.
   * `requestId` ties the rows to their job: by default the output folder's name.
   */
  async logChunk(job: BatchJob, index: number, requestId?: string): Promise<number> {
    const dir = job.spec.output;
    const path = join(dir, predictionsFile(index));
    // The commit's time: the file is written, synced and renamed into place, which keeps its mtime.
    const time = (await stat(path)).mtimeMs;
    const { entry } = job;
    const origin = {
      model: entry.name,
      version: entry.version,
      source: 'batch',
      signature: job.spec.signature,
      time,
      input: undefined,
      features: undefined,
      requestId: requestId ?? basename(resolve(dir)),
      latencyMs: undefined,
      gateFired: undefined,
      answeredBy: undefined,
    } as const;
    let rows: PredictionRow[] = [];
    let inserted = 0;
    const flush = async () => {
      if (rows.length === 0) return;
      const batch = rows;
      rows = [];
      inserted += (await insertPredictions(this.db, batch, this.layouts.of)).inserted;
    };
    const stream = createReadStream(path, { encoding: 'utf8' });
    try {
      for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
        if (text === '') continue;
        const line = JSON.parse(text) as OutputLine;
        const probabilities = line.probabilities ?? (line.logits ? softmax(line.logits) : undefined);
        if (!probabilities) throw new Error(`${path}: a row without probabilities or logits`);
        const labelIndex = entry.labels.indexOf(line.label);
        rows.push({ ...origin, key: line.key, labelIndex: labelIndex >= 0 ? labelIndex : argmax(probabilities), probabilities });
        if (rows.length >= LOG_BATCH_ROWS) await flush();
      }
    } finally {
      stream.destroy();
    }
    await flush();
    return inserted;
  }

  close(): Promise<void> {
    return this.owned ? this.db.close() : Promise.resolve();
  }
}
