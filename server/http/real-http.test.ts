/**
 * The server over real sockets: hundreds of concurrent keyed requests are
 * batched without swapping outputs, and closing or SIGTERM finishes the
 * requests in flight before the server stops.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { softmax } from '../../src/core/math/probabilities';
import { seededRandom } from '../../training/data/random';
import { runRows } from '../../tools/onnx/evaluate';
import { spawnServer } from '../../test/server/spawn-server';
import { readyServer } from '../../test/server/test-server';
import { drawnPixels } from '../../test/drawn-digits';

/** Distinct inputs: drawn digits with a little seeded noise on every pixel. */
function distinctInputs(count: number): { key: string; pixels: number[] }[] {
  const random = seededRandom(99);
  return Array.from({ length: count }, (_, i) => ({
    key: `req-${i}-${Math.floor(random() * 1e9).toString(36)}`,
    pixels: drawnPixels(i % 10, 10 + (i % 3) * 8).map((v) => Math.min(1, Math.max(0, v + (random() - 0.5) * 0.2))),
  }));
}

const post = (base: string, body: unknown) =>
  fetch(`${base}/v1/models/digits-full:predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('over real HTTP', () => {
  it('never swaps outputs between many concurrent keyed requests, and batches them', async () => {
    const { app, context } = await readyServer({ MAX_QUEUE_DELAY_MS: '5', MAX_BATCH_SIZE: '64' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const inputs = distinctInputs(400);
    const direct = await runRows(readFileSync('public/models/digits-full/1/model.onnx'), {
      shape: [inputs.length, 1, 28, 28],
      data: Float32Array.from(inputs.flatMap((i) => i.pixels)),
    });
    const expected = new Map(inputs.map((input, i) => [input.key, Array.from(softmax(direct[i] ?? []))]));
    // 250 requests of one to three instances each, all in flight at once.
    const requests: { key: string; pixels: number[] }[][] = [];
    for (let i = 0; i < inputs.length;) {
      const size = 1 + (requests.length % 3);
      requests.push(inputs.slice(i, i + size));
      i += size;
    }
    const responses = await Promise.all(
      requests.map((instances) => post(base, { instances }).then((r) => r.json() as Promise<{ predictions: { key: string; probabilities: number[] }[] }>)),
    );
    let checked = 0;
    responses.forEach((body, r) => {
      const sentKeys = requests[r]?.map((i) => i.key).sort();
      expect(body.predictions.map((p: { key: string }) => p.key).sort()).toEqual(sentKeys);
      for (const p of body.predictions as { key: string; probabilities: number[] }[]) {
        p.probabilities.forEach((v, j) => expect(v).toBeCloseTo(expected.get(p.key)?.[j] ?? NaN, 5));
        checked++;
      }
    });
    expect(checked).toBe(inputs.length);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const value = (name: string) => Number(metrics.match(new RegExp(`^${name}\\{model="digits-full",version="1"\\} (\\d+)`, 'm'))?.[1]);
    expect(value('inference_instances_total')).toBe(inputs.length);
    expect(value('inference_instances_total') / value('inference_batches_total')).toBeGreaterThan(2);
    expect(context.registry.resolve('digits-full').stats().queuedRows).toBe(0);
    await app.close();
  });

  it('finishes the requests in flight when it closes, then refuses connections', async () => {
    const { app, context } = await readyServer({ MAX_QUEUE_DELAY_MS: '400', MAX_BATCH_SIZE: '1000' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const pending = distinctInputs(30).map((input) => post(base, { instances: [input] }));
    const model = context.registry.resolve('digits-full');
    while (model.stats().queuedRows < 30) await new Promise((r) => setTimeout(r, 5));
    await app.close();
    const statuses = await Promise.all(pending.map((p) => p.then((r) => r.status)));
    expect(statuses).toEqual(new Array(30).fill(200));
    await expect(fetch(`${base}/v2/health/live`)).rejects.toThrow();
  });

  it('drains on SIGTERM in a real server process and exits cleanly', async () => {
    const { base, child } = await spawnServer({ MAX_QUEUE_DELAY_MS: '300', MAX_BATCH_SIZE: '1000' });
    const pending = distinctInputs(20).map((input) => post(base, { instances: [input] }).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(await Promise.all(pending)).toEqual(new Array(20).fill(200));
    expect(code).toBe(0);
  });
});
