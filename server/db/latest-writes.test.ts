/**
 * The background writer of shared statuses: a value superseded while another
 * write runs is never written, values of one id land in order, a failed write
 * is retried with the latest value (reported once, not per retry), waiters
 * resolve when their value or a later one lands, and close gives up after its
 * grace.
 */
import { describe, expect, it } from 'vitest';
import { LatestWrites } from './latest-writes';

/** A store stand-in that records each write and can be held or made to fail. */
function recorder() {
  const written: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  let failures = 0;
  return {
    written,
    hold: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open(),
    failNext: (n: number) => (failures = n),
    write: async (value: string) => {
      await gate;
      if (failures > 0) {
        failures--;
        throw new Error(`refused ${value}`);
      }
      written.push(value);
    },
  };
}

describe('latest writes', () => {
  it('writes the first and the latest value of an id, never one superseded while waiting', async () => {
    const store = recorder();
    const writes = new LatestWrites(store.write, () => undefined);
    store.hold();
    const first = writes.put('job', 'v1');
    const superseded = writes.put('job', 'v2');
    const latest = writes.put('job', 'v3');
    const other = writes.put('other', 'o1');
    expect(writes.backlog).toBe(2);
    store.release();
    await Promise.all([first, superseded, latest, other]);
    expect(store.written).toEqual(['v1', 'v3', 'o1']);
    expect(writes.backlog).toBe(0);
  });

  it('writes a value put right after the one before it landed', async () => {
    const store = recorder();
    const writes = new LatestWrites(store.write, () => undefined);
    await writes.put('job', 'v1');
    await writes.put('job', 'v2');
    await writes.put('other', 'o1');
    expect(store.written).toEqual(['v1', 'v2', 'o1']);
  });

  it('retries a failed write with the latest value, reporting the failure once', async () => {
    const store = recorder();
    const errors: string[] = [];
    const writes = new LatestWrites(store.write, (error, id) => errors.push(`${id}: ${(error as Error).message}`));
    store.failNext(2);
    const first = writes.put('run', 'step 1');
    // Queued while the first keeps failing: the retry writes this one instead.
    const second = writes.put('run', 'step 2');
    await Promise.all([first, second]);
    expect(store.written).toEqual(['step 2']);
    expect(errors).toEqual(['run: refused step 1']);
  });

  it('stops after its grace when the store keeps refusing', async () => {
    const store = recorder();
    const writes = new LatestWrites(store.write, () => undefined);
    store.failNext(1000);
    void writes.put('job', 'never');
    const started = Date.now();
    await writes.close(300);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(store.written).toEqual([]);
    expect(writes.backlog).toBe(1);
  });
});
