/**
 * The drain on SIGTERM: for DRAIN_MS the process answers readiness 503 while
 * it still serves every request, so a balancer's health checks take it out
 * before it stops; then it closes as before. A second signal ends the drain.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../../test/server/spawn-server';
import { drawnPixels } from '../../test/drawn-digits';

const predict = (base: string) =>
  fetch(`${base}/v1/models/digits-full:predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: [{ key: 'drain', pixels: drawnPixels(3) }] }),
  });

describe('drain on SIGTERM', () => {
  it('reports not ready for DRAIN_MS while still serving, then exits', async () => {
    const { base, child } = await spawnServer({ DRAIN_MS: '1500' });
    const exited = once(child, 'exit');
    const started = performance.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const ready = await fetch(`${base}/v2/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([503, { ready: false }]);
    expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
    const answered = await predict(base);
    expect(answered.status).toBe(200);
    // While draining, each answer ends its connection, so keep-alive clients move on.
    expect(answered.headers.get('connection')).toBe('close');
    const [code] = (await exited) as [number];
    expect(code).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('ends the drain at once on a second signal', async () => {
    const { child } = await spawnServer({ DRAIN_MS: '60000' });
    const exited = once(child, 'exit');
    const started = performance.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const [code] = (await exited) as [number];
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses a DRAIN_MS that is not a whole number of milliseconds', async () => {
    await expect(spawnServer({ DRAIN_MS: 'soon' })).rejects.toThrow(/never became ready/);
  });
});
