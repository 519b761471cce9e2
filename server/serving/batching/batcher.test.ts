/**
 * The dynamic batcher: concurrent requests merge into bounded runs and each
 * gets its own rows back; queue delay, refusals, deadlines, failures and
 * draining behave as configured; high-priority rows go first and low ones
 * take a bounded share of each batch without starving.
 */
import { describe, expect, it } from 'vitest';
import type { BatchingSettings } from '../settings';
import { DynamicBatcher, lowPriorityCap, type BatchRun } from './batcher';

const ROW = 3;
/** A row-wise function standing for the model: each output row is [sum, first value] of its input row. */
function recordingRun(delayMs = 0): { run: BatchRun; batches: number[] } {
  const batches: number[] = [];
  const run: BatchRun = async (input, rows) => {
    batches.push(rows);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const out = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const row = input.subarray(r * ROW, (r + 1) * ROW);
      out[r * 2] = row.reduce((s, v) => s + v, 0);
      out[r * 2 + 1] = row[0] ?? 0;
    }
    return out;
  };
  return { run, batches };
}

const settings = (over: Partial<BatchingSettings> = {}): BatchingSettings => ({
  enabled: true,
  maxBatchSize: 8,
  maxQueueDelayMs: 5,
  maxQueueRows: 100,
  ...over,
});
const rowsOf = (id: number, rows = 1) => Float32Array.from({ length: rows * ROW }, (_, i) => id * 1000 + Math.floor(i / ROW));

describe('DynamicBatcher', () => {
  it('merges concurrent requests into runs of at most maxBatchSize and gives each its own rows', async () => {
    const { run, batches } = recordingRun(2);
    const batcher = new DynamicBatcher(run, ROW, settings());
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    const outputs = await Promise.all(ids.map((id) => batcher.submit(rowsOf(id), 1, 5000)));
    outputs.forEach((out, i) => expect(Array.from(out)).toEqual([3 * (ids[i] ?? 0) * 1000, (ids[i] ?? 0) * 1000]));
    expect(Math.max(...batches)).toBeLessThanOrEqual(8);
    expect(batches.reduce((s, b) => s + b, 0)).toBe(40);
    expect(batches.length).toBeLessThanOrEqual(6);
  });

  it('keeps multi-row requests together and in order', async () => {
    const { run, batches } = recordingRun();
    const batcher = new DynamicBatcher(run, ROW, settings());
    const [a, b] = await Promise.all([batcher.submit(rowsOf(1, 3), 3, 5000), batcher.submit(rowsOf(2, 4), 4, 5000)]);
    expect(Array.from(a ?? [])).toEqual([3000, 1000, 3003, 1001, 3006, 1002]);
    expect(Array.from(b ?? []).filter((_, i) => i % 2 === 1)).toEqual([2000, 2001, 2002, 2003]);
    expect(batches).toEqual([7]);
  });

  it('runs a lone request after the queue delay, not before', async () => {
    const { run, batches } = recordingRun();
    const batcher = new DynamicBatcher(run, ROW, settings({ maxQueueDelayMs: 30 }));
    const started = performance.now();
    await batcher.submit(rowsOf(1), 1, 5000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(batches).toEqual([1]);
  });

  it('runs every request alone when batching is off', async () => {
    const { run, batches } = recordingRun(1);
    const batcher = new DynamicBatcher(run, ROW, settings({ enabled: false }));
    await Promise.all([1, 2, 3, 4].map((id) => batcher.submit(rowsOf(id), 1, 5000)));
    expect(batches).toEqual([1, 1, 1, 1]);
  });

  it('refuses at once when the bounded queue is full', async () => {
    const { run } = recordingRun(20);
    const batcher = new DynamicBatcher(run, ROW, settings({ maxQueueRows: 4, maxBatchSize: 2, maxQueueDelayMs: 0 }));
    const accepted = [1, 2, 3, 4, 5, 6].map((id) => batcher.submit(rowsOf(id), 1, 5000));
    const results = await Promise.allSettled([...accepted, batcher.submit(rowsOf(9), 1, 5000)]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'QUEUE_FULL', status: 429 });
  });

  it('drops a request still queued at its deadline', async () => {
    const { run } = recordingRun(60);
    const batcher = new DynamicBatcher(run, ROW, settings({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const first = batcher.submit(rowsOf(1), 1, 5000);
    await expect(batcher.submit(rowsOf(2), 1, 10)).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', status: 503 });
    await expect(first).resolves.toHaveLength(2);
  });

  it('passes a failed run to every request in it', async () => {
    const batcher = new DynamicBatcher(async () => Promise.reject(new Error('boom')), ROW, settings());
    const results = await Promise.allSettled([batcher.submit(rowsOf(1), 1, 5000), batcher.submit(rowsOf(2), 1, 5000)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('drains what is queued, then refuses new work', async () => {
    const { run } = recordingRun(5);
    const batcher = new DynamicBatcher(run, ROW, settings({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const queued = [1, 2, 3].map((id) => batcher.submit(rowsOf(id), 1, 5000));
    await batcher.drain();
    expect((await Promise.all(queued)).length).toBe(3);
    await expect(batcher.submit(rowsOf(4), 1, 5000)).rejects.toThrow(/shutting down/);
  });

  describe('priority lanes', () => {
    /** Records, for each run, the request id of every row (ids from 100 up are low priority here). */
    function idRun(delayMs: number): { run: BatchRun; batches: number[][] } {
      const batches: number[][] = [];
      const run: BatchRun = async (input, rows) => {
        batches.push(Array.from({ length: rows }, (_, r) => Math.floor((input[r * ROW] ?? 0) / 1000)));
        await new Promise((r) => setTimeout(r, delayMs));
        return new Float32Array(rows * 2).map((_, i) => input[Math.floor(i / 2) * ROW] ?? 0);
      };
      return { run, batches };
    }
    const lowRows = (batch: readonly number[]) => batch.filter((id) => id >= 100).length;

    it('caps low rows at a quarter of a batch', () => {
      expect([1, 4, 8, 64, 65].map(lowPriorityCap)).toEqual([1, 1, 2, 16, 16]);
    });

    it('runs a cheap request behind a large queued low load after at most one small batch', async () => {
      const { run, batches } = idRun(10);
      const batcher = new DynamicBatcher(run, ROW, settings({ maxBatchSize: 8, maxQueueRows: 1000 }));
      // 40 chunks of 2 low rows (80 rows, ten full batches' worth); the first batch starts at once.
      const low = Array.from({ length: 40 }, (_, i) => batcher.submit(rowsOf(100 + i, 2), 2, 5000, 'low'));
      await new Promise((r) => setTimeout(r, 2));
      const startedBefore = batches.length;
      const started = performance.now();
      const cheap = await batcher.submit(rowsOf(7), 1, 5000);
      const waitedMs = performance.now() - started;
      expect(Array.from(cheap)).toEqual([7000, 7000]);
      const index = batches.findIndex((b) => b.includes(7));
      expect(index).toBe(startedBefore); // the very next batch
      expect(lowRows(batches[index] ?? [])).toBeLessThanOrEqual(2);
      expect(waitedMs).toBeLessThan(60); // the batch in flight and its own, not the 80 rows queued
      // The low load still completes, each chunk with its own rows.
      const outs = await Promise.all(low);
      outs.forEach((out, i) => expect(Array.from(out)).toEqual([(100 + i) * 1000, (100 + i) * 1000, (100 + i) * 1000 + 1, (100 + i) * 1000 + 1]));
      expect(batches[0]).toHaveLength(8); // alone, low rows fill whole batches
    });

    it('keeps a share for low rows under a steady stream of cheap requests, and never more', async () => {
      const { run, batches } = idRun(3);
      const batcher = new DynamicBatcher(run, ROW, settings({ maxBatchSize: 8, maxQueueRows: 1000, maxQueueDelayMs: 0 }));
      const low = Array.from({ length: 6 }, (_, i) => batcher.submit(rowsOf(100 + i, 2), 2, 5000, 'low'));
      const cheap: Promise<Float32Array>[] = [];
      // Cheap requests keep arriving faster than the batches drain them.
      for (let wave = 0; wave < 8; wave++) {
        for (let i = 0; i < 10; i++) cheap.push(batcher.submit(rowsOf(wave * 10 + i), 1, 5000));
        await new Promise((r) => setTimeout(r, 2));
      }
      await Promise.all([...low, ...cheap]);
      const mixed = batches.filter((b) => b.some((id) => id < 100));
      for (const b of mixed) expect(lowRows(b)).toBeLessThanOrEqual(2);
      // Every low chunk ran while cheap rows still waited: the first cheap-only batch comes after the last low row.
      const lastLow = batches.findLastIndex((b) => lowRows(b) > 0);
      const cheapRowsAfter = batches.slice(lastLow + 1).reduce((n, b) => n + b.length, 0);
      expect(cheapRowsAfter).toBeGreaterThan(0);
    });

    it('alternates with cheap requests larger than a batch, so low rows still move', async () => {
      const { run, batches } = idRun(2);
      const batcher = new DynamicBatcher(run, ROW, settings({ maxBatchSize: 8, maxQueueRows: 1000 }));
      const first = batcher.submit(rowsOf(1, 8), 8, 5000);
      const low = batcher.submit(rowsOf(100, 2), 2, 5000, 'low');
      const big = [2, 3, 4].map((id) => batcher.submit(rowsOf(id, 8), 8, 5000));
      await Promise.all([first, low, ...big]);
      const lowIndex = batches.findIndex((b) => b.includes(100));
      expect(lowIndex).toBeLessThanOrEqual(2);
      expect(batches[lowIndex]).toEqual([100, 100]);
    });

    it('counts both lanes against the queue bound', async () => {
      const { run } = idRun(20);
      const batcher = new DynamicBatcher(run, ROW, settings({ maxBatchSize: 2, maxQueueRows: 4, maxQueueDelayMs: 0 }));
      const accepted = [batcher.submit(rowsOf(100, 2), 2, 5000, 'low'), batcher.submit(rowsOf(101, 2), 2, 5000, 'low'), batcher.submit(rowsOf(1, 2), 2, 5000)];
      await expect(batcher.submit(rowsOf(2, 2), 2, 5000)).rejects.toMatchObject({ code: 'QUEUE_FULL' });
      await Promise.all(accepted);
    });
  });
});
