/**
 * Overload is refused rather than queued without end: 429 with Retry-After when
 * the queue is full, 503 at a request's deadline, and explain limited on its
 * own.
 */
import { describe, expect, it } from 'vitest';
import { readyServer } from '../../test/server/test-server';
import { drawnPixels } from '../../test/drawn-digits';

const body = (key: string, signature?: string) => ({ ...(signature ? { signature } : {}), instances: [{ key, pixels: drawnPixels(6) }] });

describe('under overload', () => {
  it('refuses with 429 and Retry-After when the bounded queue is full, and serves the rest', async () => {
    const { app } = await readyServer({ MAX_QUEUE_ROWS: '4', MAX_BATCH_SIZE: '2', MAX_QUEUE_DELAY_MS: '0' });
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload: body(`k${i}`) })),
    );
    const refused = responses.filter((r) => r.statusCode === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.headers['retry-after']).toBe('1');
      expect(r.json().error).toMatch(/queue is full \(\d+ of 4 rows waiting\)/);
      expect(r.json().code).toBe('QUEUE_FULL');
    }
    expect(responses.every((r) => r.statusCode === 200 || r.statusCode === 429)).toBe(true);
    expect(responses.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(4);
    await app.close();
  });

  it('answers 503 to a request still queued at its deadline', async () => {
    const { app } = await readyServer({ REQUEST_TIMEOUT_MS: '1', BATCHING: 'off' });
    const responses = await Promise.all(
      Array.from({ length: 80 }, (_, i) => app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload: body(`k${i}`) })),
    );
    const late = responses.filter((r) => r.statusCode === 503);
    expect(late.length).toBeGreaterThan(0);
    expect(late[0]?.json().error).toMatch(/no model capacity within the request deadline of 1 ms/);
    expect(late[0]?.json().code).toBe('DEADLINE_EXCEEDED');
    expect(responses.every((r) => r.statusCode === 200 || r.statusCode === 503)).toBe(true);
    await app.close();
  });

  it('limits explain on its own, so it cannot take over the cheap path', async () => {
    const { app } = await readyServer({ EXPLAIN_CONCURRENCY: '1', EXPLAIN_MAX_WAITING: '0' });
    const send = (key: string, signature?: string) => app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload: body(key, signature) });
    const [first, second, cheap] = await Promise.all([send('a', 'explain'), send('b', 'explain'), send('c')]);
    expect([first?.statusCode, second?.statusCode].sort()).toEqual([200, 429]);
    const refused = first?.statusCode === 429 ? first : second;
    expect(refused?.headers['retry-after']).toBe('1');
    expect(refused?.json().error).toMatch(/too many explain requests in progress/);
    expect(refused?.json().code).toBe('EXPLAIN_BUSY');
    expect(cheap?.statusCode).toBe(200);
    await app.close();
  });
});
