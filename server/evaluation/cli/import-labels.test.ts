/**
 * import-labels into a fresh store of each backend: JSONL and CSV files with
 * good and bad rows, the bad ones reported by line, the good ones read back
 * from the labels table and joined with a prediction logged before; and what
 * happens when the store is held by another user or fails midway.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_PACK_DIR } from '../../../src/core/manifest';
import { BACKENDS, freshStore, tempDir } from '../../../test/db/backends';
import type { DatabaseSettings } from '../../db/database';
import { openDatabase } from '../../db/open';
import { insertPredictions } from '../ingest/predictions';
import { ModelLayouts } from '../layouts';
import { windows } from '../windows/windows';
import { runCli } from './cli';
import { importLabels, ImportStopped } from './import-labels';
import type { LabelRow } from './label-rows';
import type { LabelSink } from './label-sinks';
import { captureIo, predictionRow, storeEnv } from './testing/cli-testing';

const layouts = await ModelLayouts.load(MODEL_PACK_DIR);
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
/** Every label of the pack, as a refused row's message lists them. */
const PACK_LABELS = [...layouts.allLabels()].map((l) => JSON.stringify(l)).join(', ');
const REJECT_LABEL = layouts.entry('digits-full', '1')?.reject_label as string;

async function storedLabels(settings: DatabaseSettings): Promise<{ labels: Record<string, string>; history: number }> {
  const db = await openDatabase(settings);
  try {
    const rows = await db.query<{ key: string; label: string }>('SELECT key, label FROM labels ORDER BY key');
    const [history] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM label_history');
    return { labels: Object.fromEntries(rows.map((r) => [r.key, r.label])), history: history?.n ?? 0 };
  } finally {
    await db.close();
  }
}

function file(name: string, text: string): string {
  const path = join(tempDir('labels-'), name);
  writeFileSync(path, text);
  return path;
}

for (const kind of BACKENDS) {
  describe(`import-labels into the store (${kind})`, () => {
    it('commits the good rows of a JSONL file in batches, lists the bad ones by line and exits with 1', async () => {
      const store = await freshStore(kind);
      const db = await openDatabase(store.settings);
      await insertPredictions(db, [predictionRow('seen', 3, T0)], layouts.of);
      await db.close();
      const path = file(
        'labels.jsonl',
        [
          '{"key":"seen","label":"3","time":"2026-11-01T12:00:30Z"}',
          '{"key":"a","label":"1"}',
          '{"key":"b","label":"ten"}',
          '',
          '{"key":"c","label":"2","time":"yesterday"}',
          '{"key":"d","label":"4"}',
          '{"key":"a","label":"5"}',
          JSON.stringify({ key: 'letter', label: REJECT_LABEL }),
          '',
        ].join('\n'),
      );
      const io = captureIo(storeEnv(store.settings));
      expect(await runCli(['import-labels', path, '--batch', '2'], io)).toBe(1);
      // "a" twice: both in the history, the later one current; only "seen" has a logged prediction.
      expect(JSON.parse(io.stdout())).toEqual({ accepted: 5, pending: 4, bad: 2 });
      expect(layouts.allLabels().has(REJECT_LABEL)).toBe(true);
      expect(io.stderr()).toContain(`line 3: label: "ten" is not a label of the model pack (${PACK_LABELS})`);
      expect(io.stderr()).toContain('line 5: time: Invalid ISO datetime');
      expect(io.stderr()).toContain('2 bad rows were skipped (listed above)');
      expect(io.stderr().some((l) => /^done: read 7 rows, committed 5, bad 2, \d+ rows\/s$/.test(l))).toBe(true);
      // The reject label is ground truth like any other label.
      expect(await storedLabels(store.settings)).toEqual({ labels: { a: '5', d: '4', letter: REJECT_LABEL, seen: '3' }, history: 5 });
      const check = await openDatabase(store.settings);
      const [w] = await windows(check, { model: 'digits-full', from: new Date(T0), to: new Date(T0 + 3_600_000), window: '1h' }, layouts.of, 1);
      await check.close();
      expect(w).toMatchObject({ predictions: 1, labelled: 1, accuracy: { value: 1 } });
    });

    it('reads a CSV file with quoting, CRLF and a BOM, and exits with 0 when every row is good', async () => {
      const store = await freshStore(kind);
      const path = file('truth.csv', '\uFEFFtime,key,label\r\n2026-11-01T12:00:00Z,"k,1",1\r\n,"k ""2""",2\r\n,"multi\r\nline",3\r\n\r\n');
      const io = captureIo(storeEnv(store.settings));
      expect(await runCli(['import-labels', path], io)).toBe(0);
      expect(JSON.parse(io.stdout())).toEqual({ accepted: 3, pending: 3, bad: 0 });
      expect((await storedLabels(store.settings)).labels).toEqual({ 'k "2"': '2', 'k,1': '1', 'multi\r\nline': '3' });
    });

    it('reports CSV rows that break the format by the line they start on', async () => {
      const store = await freshStore(kind);
      const path = file('truth.csv', 'key,label\nok1,1\n"two\nlines",2,extra\nx"y,3\nshort\nok2,2\nlast,"3\n');
      const io = captureIo(storeEnv(store.settings));
      expect(await runCli(['import-labels', path], io)).toBe(1);
      expect(JSON.parse(io.stdout())).toEqual({ accepted: 2, pending: 2, bad: 4 });
      expect(io.stderr().filter((l) => l.startsWith('line '))).toEqual([
        'line 3: 3 fields; the header has 2',
        'line 5: a quote inside an unquoted field (quote the whole field and double the quote)',
        'line 6: 1 fields; the header has 2',
        'line 8: a quoted field opened on line 8 is never closed',
      ]);
      expect((await storedLabels(store.settings)).labels).toEqual({ ok1: '1', ok2: '2' });
    });
  });
}

describe('import-labels, failures', () => {
  it('says when a running process holds the PGlite store, and suggests --server', async () => {
    const store = await freshStore('pglite');
    const holder = await openDatabase(store.settings);
    try {
      const io = captureIo(storeEnv(store.settings));
      expect(await runCli(['import-labels', file('l.jsonl', '{"key":"a","label":"1"}\n')], io)).toBe(1);
      expect(io.stdout()).toBe('');
      expect(io.stderr().join('\n')).toMatch(/is in use by process \d+[^]*--server <url>/);
    } finally {
      await holder.close();
    }
  });

  it('refuses a file it cannot read, and a CSV header without a label column', async () => {
    const env = { DATA_DIR: join(tempDir('unused-'), 'data') };
    const missing = captureIo(env);
    expect(await runCli(['import-labels', join(tempDir('none-'), 'missing.csv')], missing)).toBe(1);
    expect(missing.stderr()[0]).toMatch(/^eval: cannot read .*missing\.csv: ENOENT$/);
    const header = captureIo(storeEnv((await freshStore('pglite')).settings));
    expect(await runCli(['import-labels', file('l.csv', 'key,value\na,1\n')], header)).toBe(1);
    expect(header.stderr()[0]).toBe('eval: line 1: unknown column "value": the columns are key, label and optionally time');
  });

  it('stops at a failed commit, saying what was committed up to which line', async () => {
    const committed: string[][] = [];
    const sink: LabelSink = {
      maxBatch: 100,
      commit: async (labels) => {
        if (committed.length === 1) throw new Error('the store went away');
        committed.push(labels.map((l) => l.key));
        return { accepted: labels.length, pending: 0 };
      },
      close: async () => {},
    };
    async function* rows(): AsyncGenerator<LabelRow> {
      for (let line = 1; line <= 10; line++) yield { line, label: { key: `k${line}`, label: '1' } };
    }
    const said: string[] = [];
    const stopped = importLabels(rows(), sink, 2, (l) => said.push(l));
    await expect(stopped).rejects.toThrow(ImportStopped);
    await expect(stopped).rejects.toThrow(
      'import stopped: the store went away. 2 labels were committed (rows up to line 2); labels are idempotent by key, so importing the file again is safe.',
    );
    expect(committed).toEqual([['k1', 'k2']]);
  });

  it('splits batches to the sink’s limit', async () => {
    const sizes: number[] = [];
    const sink: LabelSink = {
      maxBatch: 3,
      commit: async (labels) => {
        sizes.push(labels.length);
        return { accepted: labels.length, pending: labels.length };
      },
      close: async () => {},
    };
    async function* rows(): AsyncGenerator<LabelRow> {
      for (let line = 1; line <= 8; line++) yield { line, label: { key: `k${line}`, label: '1' } };
    }
    expect(await importLabels(rows(), sink, 10, () => {})).toEqual({ read: 8, committed: 8, accepted: 8, pending: 8, bad: 0 });
    expect(sizes).toEqual([3, 3, 2]);
  });
});
