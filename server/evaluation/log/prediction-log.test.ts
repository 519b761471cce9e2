/**
 * The prediction log's writer on its own: keys sampled by hash, always or
 * never; rows handed over in batches; a full buffer or a failing store
 * drops rows and counts them, and recording never waits.
 */
import { describe, expect, it } from 'vitest';
import { keySampled, keyShare } from '../../../src/core/hash/key-sampling';
import { PredictionLog, type DropReason, type LogSink } from './prediction-log';
import type { AnsweredRequest, LogBatch } from './records';

const settings = { sampleRate: 1, logInputs: true, bufferRows: 100, batchRows: 10, flushIntervalMs: 5 };

function answer(keys: string[]): AnsweredRequest {
  return {
    model: 'm',
    version: '1',
    source: 'cloud',
    signature: 'serving_default',
    time: 0,
    requestId: 'r',
    latencyMs: 1,
    keys,
    scores: (row) => [row, 1 - row],
    scoresAreLogits: true,
    input: (row) => [row / 10, 0.5],
  };
}

function recorder(sink: LogSink, overrides: Partial<typeof settings> = {}) {
  const dropped: [DropReason, number][] = [];
  const written: number[] = [];
  const log = new PredictionLog(
    sink,
    { ...settings, ...overrides },
    {
      written: (rows) => written.push(rows),
      dropped: (reason, rows) => dropped.push([reason, rows]),
      storeFailed: () => undefined,
    },
  );
  return { log, dropped, written };
}

describe('sampling by key', () => {
  it('keeps a key always or never, about the rate of keys, the same in every process', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `key-${i}`);
    const kept = keys.filter((k) => keySampled(k, 0.3));
    expect(kept.length / keys.length).toBeGreaterThan(0.28);
    expect(kept.length / keys.length).toBeLessThan(0.32);
    expect(keys.filter((k) => keySampled(k, 0.3))).toEqual(kept);
    // FNV-1a of "a" is 0xe40c292c: a fixed function, so replicas agree.
    expect(keyShare('a')).toBe(0xe40c292c / 2 ** 32);
    expect(keys.every((k) => keySampled(k, 1))).toBe(true);
    expect(keys.some((k) => keySampled(k, 0))).toBe(false);
  });
});

describe('PredictionLog', () => {
  it('hands sampled rows over in batches, flat, and flush waits for them', async () => {
    const seen: LogBatch[] = [];
    const { log } = recorder({ write: async (batches) => (seen.push(...batches), { inserted: batches.length, duplicates: 0 }) }, { sampleRate: 0.5 });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    log.record(answer(keys));
    await log.flush();
    const expected = keys.filter((k) => keySampled(k, 0.5));
    expect(seen.flatMap((b) => b.keys)).toEqual(expected);
    const first = keys.indexOf(expected[0] as string);
    expect(Array.from(seen[0]?.scores.subarray(0, 2) ?? [])).toEqual([first, 1 - first]);
    expect(seen[0]?.inputs?.[0]).toBeCloseTo(first / 10, 6);
    expect(log.writtenRows).toBe(expected.length);
  });

  it('drops and counts what does not fit the buffer, without waiting', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    const { log, dropped } = recorder({ write: async () => (await stalled, { inserted: 0, duplicates: 0 }) }, { bufferRows: 30, batchRows: 10 });
    const started = performance.now();
    for (let i = 0; i < 10; i++) log.record(answer([`a${i}`, `b${i}`, `c${i}`, `d${i}`, `e${i}`]));
    expect(performance.now() - started).toBeLessThan(100);
    // 10 rows are with the stalled store; 30 wait; the other 10 do not fit.
    expect(dropped).toEqual([
      ['buffer_full', 5],
      ['buffer_full', 5],
    ]);
    release();
    await log.flush();
    expect(log.droppedRows).toBe(10);
  });

  it('drops and counts a batch the store refuses, and goes on with the next', async () => {
    let calls = 0;
    const { log, dropped, written } = recorder({
      write: async (batches) => {
        if (++calls === 1) throw new Error('connection refused');
        return { inserted: batches.reduce((n, b) => n + b.keys.length, 0), duplicates: 0 };
      },
    });
    log.record(answer(Array.from({ length: 10 }, (_, i) => `x${i}`)));
    await log.flush();
    log.record(answer(Array.from({ length: 4 }, (_, i) => `y${i}`)));
    await log.flush();
    expect(dropped).toEqual([['store_error', 10]]);
    expect(written).toEqual([4]);
  });
});
