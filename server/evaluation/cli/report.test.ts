/**
 * report from a store of each backend holding a few logged predictions and
 * labels: the table's rows carry the expected counts, accuracy with its
 * Wilson interval, estimated accuracy, confidence, gate rate and drift;
 * --json gives the monitoring route's shape; bad flags are usage errors.
 */
import { describe, expect, it } from 'vitest';
import { WindowsResponse } from '../../../src/core/api/evaluation';
import { MODEL_PACK_DIR } from '../../../src/core/manifest';
import { wilsonInterval } from '../../../src/core/stats/wilson';
import { BACKENDS, freshStore } from '../../../test/db/backends';
import { openDatabase } from '../../db/open';
import { insertLabels } from '../ingest/labels';
import { insertPredictions } from '../ingest/predictions';
import { calibrated, type ProfileLayout } from '../layout';
import { ModelLayouts } from '../layouts';
import { runCli } from './cli';
import { reportCommand, reportRange } from './report';
import { accuracyCell, driftCell, startCell, windowsTable } from './report-table';
import { captureIo, predictionRow, storeEnv } from './testing/cli-testing';
import { UsageError } from '../../cli/args';

const layouts = await ModelLayouts.load(MODEL_PACK_DIR);
const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 1, 12, 30, 15);
const NOON = Date.UTC(2026, 10, 1, 12, 0, 0);

/** The table's line of the window starting at `start`, split into its cells (cells are two or more spaces apart). */
function rowOf(table: string, start: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(start));
  if (!line) throw new Error(`no row starting ${start} in\n${table}`);
  return line.split(/ {2,}/);
}

for (const kind of BACKENDS) {
  describe(`report from the store (${kind})`, () => {
    it('shows each window with its figures', async () => {
      const store = await freshStore(kind);
      const db = await openDatabase(store.settings);
      // 12 cloud predictions of "1" after noon, 5 of them labelled (4 right); 2 unlabelled ones at 10:30.
      const noon = Array.from({ length: 12 }, (_, i) => predictionRow(`p${i}`, 1, NOON + (5 + i) * MINUTE));
      const early = [predictionRow('e0', 7, NOON - 90 * MINUTE, { confidence: 0.6 }), predictionRow('e1', 7, NOON - 89 * MINUTE, { confidence: 0.8 })];
      // Edge predictions of the small model, the gate firing on 3 of 10.
      const edge = Array.from({ length: 10 }, (_, i) =>
        predictionRow(`g${i}`, 2, NOON + i * MINUTE, { model: 'digits-small', source: 'edge', confidence: 0.7, gateFired: i < 3 }),
      );
      await insertPredictions(db, [...noon, ...early, ...edge], layouts.of);
      await insertLabels(
        db,
        ['p0', 'p1', 'p2', 'p3'].map((key) => ({ key, label: '1', time: NOON })).concat([{ key: 'p4', label: '2', time: NOON }]),
        layouts.of,
      );
      await db.close();

      const io = captureIo(storeEnv(store.settings, { MIN_LABELS: '5' }));
      expect(await reportCommand(['--model', 'digits-full', '--since', '2h'], io, NOW)).toBe(0);
      const table = io.stdout();
      expect(table.split('\n')[0]).toMatch(
        /^start \(UTC\) +version +source +predictions +labelled +accuracy \[95%\] +estimated +confidence +gate rate +drift \(share\) +drifted columns$/,
      );
      // Windows are whole hours from 10:00 (before now - 2h) to 13:00: two hold predictions.
      expect(table.trimEnd().split('\n')).toHaveLength(3);
      expect(io.stderr()).toEqual(['digits-full: windows of 1h from 2026-11-01T10:00:00.000Z to 2026-11-01T13:00:00.000Z']);
      const layout = layouts.of('digits-full', '1') as ProfileLayout;
      const { low, high } = wilsonInterval(4, 5);
      const [start, version, source, predictions, labelled, accuracy, estimated, confidence, gate, drift, columns] = rowOf(table, '2026-11-01 12:00');
      expect([start, version, source, predictions, labelled]).toEqual(['2026-11-01 12:00', '1', 'cloud', '12', '5']);
      expect(accuracy).toBe(`0.800 [${low.toFixed(3)}, ${high.toFixed(3)}]`);
      expect(estimated).toBe(calibrated(layout, 0.91).toFixed(3));
      expect([confidence, gate]).toEqual(['0.910', '—']);
      // Twelve answers of one label with one confidence: far from the reference.
      expect(drift).toMatch(/^yes \((0\.500|1\.000)\)$/);
      expect(columns?.split(', ')).toContain('predicted_label');
      expect(rowOf(table, '2026-11-01 10:00')).toEqual([
        '2026-11-01 10:00',
        '1',
        'cloud',
        '2',
        '0',
        '—',
        ((calibrated(layout, 0.6) + calibrated(layout, 0.8)) / 2).toFixed(3),
        '0.700',
        '—',
        '—', // Two values are too few for a drift verdict.
        '—',
      ]);

      const edgeIo = captureIo(storeEnv(store.settings));
      expect(await reportCommand(['--model', 'digits-small', '--since', '90m', '--window', '5m', '--source', 'edge', '--json'], edgeIo, NOW)).toBe(0);
      const answer = WindowsResponse.parse(JSON.parse(edgeIo.stdout()));
      expect(answer.model).toBe('digits-small');
      expect(answer.windows.map((w) => [w.start, w.predictions, w.gate_rate])).toEqual([
        ['2026-11-01T12:00:00.000Z', 5, 3 / 5],
        ['2026-11-01T12:05:00.000Z', 5, 0],
      ]);
      expect(windowsTable(answer.windows)).toContain('0.600');

      const none = captureIo(storeEnv(store.settings));
      expect(await reportCommand(['--model', 'digits-full', '--version', '2'], none, NOW)).toBe(0);
      expect(none.stdout().trimEnd().split('\n')).toHaveLength(1);
      expect(none.stderr()[0]).toMatch(/: none \(no predictions logged in the range\)$/);
    });
  });
}

describe('report, its command line and table', () => {
  it('covers the range with whole windows, the current one included', () => {
    expect(reportRange(NOW, 2 * 3_600_000, '1h')).toEqual({ from: new Date(Date.UTC(2026, 10, 1, 10)), to: new Date(Date.UTC(2026, 10, 1, 13)) });
    expect(reportRange(NOON, 3_600_000, '1h')).toEqual({ from: new Date(NOON - 3_600_000), to: new Date(NOON + 3_600_000) });
    expect(reportRange(NOW, 7 * 86_400_000, '1d')).toEqual({ from: new Date(Date.UTC(2026, 9, 25)), to: new Date(Date.UTC(2026, 10, 2)) });
  });

  it('refuses bad flags as usage errors (exit code 2) before touching any store', async () => {
    const io = captureIo({ DATA_DIR: '/nonexistent/never-opened' });
    for (const args of [
      ['report'],
      ['report', '--model', 'm', '--window', '2h'],
      ['report', '--model', 'm', '--since', '1y'],
      ['report', '--model', 'm', '--source', 'phone'],
      ['report', '--model', 'm', '--since', '30d', '--window', '1m'],
      ['report', '--model', 'm', '--server', 'ftp://x'],
      ['report', '--model', 'm', '--colour'],
      ['report', '--model', 'm', 'extra'],
      ['report', '--model'],
      ['import-labels'],
      ['import-labels', 'labels.txt'],
      ['import-labels', 'a.csv', '--batch', '0'],
      ['import-labels', 'a.csv', 'b.csv'],
      ['unknown'],
      [],
    ]) {
      expect(await runCli(args, io), args.join(' ')).toBe(2);
    }
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toContain('eval: --window: "2h" is not one of 1m, 5m, 1h, 1d');
    // 30 days of minutes, and the current minute.
    expect(io.stderr()).toContain('eval: 43201 windows of 1m in 30d; at most 10000: widen --window or shorten --since');
    expect(io.stderr()).toContain('eval: unknown command "unknown"');
    expect(io.stderr().filter((l) => l.startsWith('usage: npm run eval -- <command>'))).toHaveLength(15);
    await expect(reportCommand(['--model', 'm', '--since', '0h'], io, NOW)).rejects.toThrow(UsageError);
  });

  it('prints the usage on --help with exit code 0', async () => {
    for (const args of [['--help'], ['-h'], ['report', '--help'], ['import-labels', '-h']]) {
      const io = captureIo({});
      expect(await runCli(args, io)).toBe(0);
      expect(io.stdout()).toMatch(/^usage: npm run eval -- <command> \[options\][^]*import-labels <file\.csv\|file\.jsonl>[^]*report --model <name>/);
    }
  });

  it('formats missing figures as a dash and drift with its share', () => {
    expect(accuracyCell(null)).toBe('—');
    expect(accuracyCell({ value: 0.98123, low: 0.9721, high: 0.98749 })).toBe('0.981 [0.972, 0.987]');
    expect(driftCell(null)).toBe('—');
    expect(driftCell({ features: [], drifted_share: 2 / 3, dataset_drift: true })).toBe('yes (0.667)');
    expect(driftCell({ features: [], drifted_share: 0, dataset_drift: false })).toBe('no (0.000)');
    expect(startCell('2026-11-01T12:05:00.000Z')).toBe('2026-11-01 12:05');
    expect(startCell('2026-11-01T12:05:30.000Z')).toBe('2026-11-01 12:05:30');
  });
});
