/**
 * The dynamic batcher: concurrent requests merge into bounded runs and each
 * gets its own rows back; queue delay, refusals, deadlines, failures and
 * draining behave as configured.
 */
import { describe, expect, it } from 'vitest';
import type { BatchingSettings } from '../settings';
import { DynamicBatcher, type BatchRun } from './batcher';

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
});
