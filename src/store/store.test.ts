/**
 * The local store on an in-memory IndexedDB: upgrades keep data, the cache and
 * history stay bounded, and the outbox keeps its requests in order, even across
 * reopening the database.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../core/policy/answer';
import { AnswerCache } from './cache';
import { openAppDb } from './db';
import { AnswerHistory } from './history';
import { Outbox } from './outbox';

let dbCount = 0;
const freshDb = () => openAppDb(`test-${dbCount++}`);

function answer(n: number, over: Partial<Answer> = {}): Answer {
  return {
    key: `k${n}`,
    drawingId: `d${n}`,
    cacheKey: `small@1:${n}`,
    source: 'edge',
    origin: 'edge',
    status: 'final',
    verdict: { label: String(n % 10), confidence: 0.95, probabilities: [0.95, 0.05], model: 'small@1' },
    escalated: false,
    latencyMs: 1,
    at: 1000 + n,
    ...over,
  };
}

describe('schema upgrades', () => {
  it('upgrades a version 1 database to version 2 and keeps its data', async () => {
    const name = `upgrade-${dbCount++}`;
    const v1 = await openAppDb(name, 1);
    expect([...v1.objectStoreNames].sort()).toEqual(['cache', 'history']);
    // Written raw: the app's own writers expect the current schema.
    await v1.put('cache', { cacheKey: 'small@1:1', answer: answer(1), usedAt: 1 });
    v1.close();

    const v2 = await openAppDb(name, 2);
    expect([...v2.objectStoreNames].sort()).toEqual(['cache', 'history', 'outbox']);
    expect((await new AnswerCache(v2).get('small@1:1'))?.key).toBe('k1');
    v2.close();
    // The raw database agrees on the version.
    const raw = await openDB(name);
    expect(raw.version).toBe(2);
    raw.close();
  });
});

describe('schema version 3', () => {
  it('adds the feedback and edge-log stores to a version 2 database and keeps its outbox', async () => {
    const name = `upgrade-${dbCount++}`;
    const v2 = await openAppDb(name, 2);
    await new Outbox(v2).add({ key: 'k1', drawingId: 'd1', answer: answer(1), input: new Float32Array(4), createdAt: 1, attempts: 0 });
    v2.close();
    const v3 = await openAppDb(name, 3);
    expect([...v3.objectStoreNames].sort()).toEqual(['cache', 'edge-logs', 'feedback', 'history', 'outbox']);
    expect((await new Outbox(v3).pending()).map((item) => item.key)).toEqual(['k1']);
    v3.close();
  });
});

describe('AnswerCache', () => {
  it('answers what was put and nothing else', async () => {
    const cache = new AnswerCache(await freshDb());
    await cache.put(answer(7));
    expect(await cache.get('small@1:7')).toEqual(answer(7));
    expect(await cache.get('small@2:7')).toBeUndefined();
  });

  it('evicts the least recently used entries past its limit', async () => {
    const cache = new AnswerCache(await freshDb(), 3);
    for (const n of [1, 2, 3]) {
      await cache.put(answer(n));
      await new Promise((r) => setTimeout(r, 3));
    }
    // Using entry 1 makes entry 2 the oldest.
    await cache.get('small@1:1');
    await new Promise((r) => setTimeout(r, 10));
    await cache.put(answer(4));
    expect(await cache.count()).toBe(3);
    expect(await cache.get('small@1:2')).toBeUndefined();
    expect(await cache.get('small@1:1')).toBeDefined();
    expect(await cache.get('small@1:4')).toBeDefined();
  });
});

describe('AnswerHistory', () => {
  it('keeps one entry per drawing, newest first, bounded', async () => {
    const history = new AnswerHistory(await freshDb(), 3);
    for (const n of [1, 2, 3, 4]) await history.record(answer(n));
    await history.record(answer(5, { drawingId: 'd4', key: 'k5' }));
    const recent = await history.recent();
    expect(recent.map((e) => e.drawingId)).toEqual(['d4', 'd3', 'd2']);
    expect(recent[0]?.answer.key).toBe('k5');
  });

  it('revises every entry still showing the same request, and no other', async () => {
    const history = new AnswerHistory(await freshDb());
    await history.record(answer(1));
    // The same drawing again, answered from the cache: same request key.
    await history.record(answer(1, { drawingId: 'd9', source: 'cache', at: 2000 }));
    await history.record(answer(2));
    const cloud = answer(1, { source: 'cloud', origin: 'cloud' });
    expect(await history.revise(cloud)).toBe(2);
    const byDrawing = Object.fromEntries((await history.recent()).map((e) => [e.drawingId, e.answer]));
    expect(byDrawing['d1']?.origin).toBe('cloud');
    expect(byDrawing['d9']).toMatchObject({ origin: 'cloud', drawingId: 'd9' });
    expect(byDrawing['d2']?.origin).toBe('edge');
    // Once the drawing moved on to another request, the old one revises nothing.
    await history.record(answer(3, { drawingId: 'd1' }));
    await history.record(answer(3, { drawingId: 'd9' }));
    expect(await history.revise(cloud)).toBe(0);
  });
});

describe('Outbox', () => {
  const item = (key: string, drawingId: string, createdAt: number) => ({
    key,
    drawingId,
    answer: answer(createdAt, { key, drawingId, status: 'queued' }),
    input: new Float32Array([createdAt, 0.5]),
    createdAt,
    attempts: 0,
  });

  it('keeps requests oldest first, with their inputs, until removed', async () => {
    const outbox = new Outbox(await freshDb());
    await outbox.add(item('b', 'd2', 20));
    await outbox.add(item('a', 'd1', 10));
    const pending = await outbox.pending();
    expect(pending.map((i) => i.key)).toEqual(['a', 'b']);
    expect(Array.from(pending[0]?.input ?? [])).toEqual([10, 0.5]);
    await outbox.remove('a');
    expect((await outbox.pending()).map((i) => i.key)).toEqual(['b']);
  });

  it('supersedes an older request for the same drawing', async () => {
    const outbox = new Outbox(await freshDb());
    await outbox.add(item('a', 'd1', 10));
    await outbox.add(item('b', 'd1', 20));
    await outbox.add(item('c', 'd2', 30));
    expect((await outbox.pending()).map((i) => i.key)).toEqual(['b', 'c']);
  });

  it('counts failed attempts and keeps the request', async () => {
    const outbox = new Outbox(await freshDb());
    await outbox.add(item('a', 'd1', 10));
    await outbox.recordFailure('a', 'cloud answered 503');
    await outbox.recordFailure('a', 'network error');
    expect(await outbox.pending()).toMatchObject([{ key: 'a', attempts: 2, lastError: 'network error' }]);
  });

  it('survives closing and reopening the database', async () => {
    const name = `reopen-${dbCount++}`;
    const first = await openAppDb(name);
    await new Outbox(first).add(item('a', 'd1', 10));
    first.close();
    const second = await openAppDb(name);
    expect(await new Outbox(second).count()).toBe(1);
  });
});

describe('AnswerCache with its keys loaded', () => {
  it('answers stored entries, misses new ones, and forgets evicted ones', async () => {
    const db = await freshDb();
    await new AnswerCache(db).put(answer(1));
    const cache = await new AnswerCache(db, 2).loadKeys();
    expect((await cache.get('small@1:1'))?.key).toBe('k1');
    expect(await cache.get('small@1:2')).toBeUndefined();
    await cache.put(answer(2));
    await new Promise((r) => setTimeout(r, 3));
    await cache.put(answer(3));
    expect(await cache.get('small@1:2')).toBeDefined();
    // Entry 1 was the least recently used: gone from the store and from the keys.
    expect(await cache.get('small@1:1')).toBeUndefined();
    expect(await db.get('cache', 'small@1:1')).toBeUndefined();
  });
});
