/**
 * /metrics reports requests by route, model and outcome, how long they took
 * (a histogram with the same labels), and the batches run, in Prometheus text.
 */
import { describe, expect, it } from 'vitest';
import { readyServer } from '../../test/server/test-server';
import { drawnPixels } from '../../test/drawn-digits';

describe('/metrics', () => {
  it('reports requests by route, model and outcome, and batches, in Prometheus text', async () => {
    const { app } = await readyServer();
    const predict = (payload: object) => app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload });
    await predict({
      instances: [
        { key: 'a', pixels: drawnPixels(1) },
        { key: 'b', pixels: drawnPixels(2) },
      ],
    });
    await predict({ instances: [{ key: 'a', pixels: [2] }] });
    await app.inject({ url: '/v2/models/nope' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toContain('http_requests_total{route="/v1/models/:target",model="digits-full",outcome="success"} 1');
    expect(text).toContain('http_requests_total{route="/v1/models/:target",model="digits-full",outcome="client_error"} 1');
    expect(text).toContain('http_requests_total{route="/v2/models/:model",model="",outcome="client_error"} 1');
    expect(text).toContain('inference_instances_total{model="digits-full",version="1"} 2');
    expect(text).toContain('inference_batches_total{model="digits-full",version="1"} 1');
    expect(text).toMatch(/inference_queue_seconds_count\{model="digits-full",version="1"\} 1/);
    expect(text).toMatch(/inference_compute_seconds_bucket\{le="\+Inf",model="digits-full",version="1"\} 1/);
    expect(text).toContain('inference_queue_rows{model="digits-full",version="1"} 0');
    expect(text).toContain('process_cpu_seconds_total');
    await app.close();
  });

  it('times every request in http_request_duration_seconds, with cumulative buckets ending at +Inf = count', async () => {
    const { app } = await readyServer();
    const made = 3;
    for (let i = 0; i < made; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/models/digits-full:predict',
        payload: { instances: [{ key: `k${i}`, pixels: drawnPixels(i) }] },
      });
      expect(response.statusCode).toBe(200);
    }
    const text = (await app.inject({ url: '/metrics' })).body;
    await app.close();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const series = '{route="/v1/models/:target",model="digits-full",outcome="success"}';
    expect(text).toContain(`http_request_duration_seconds_count${series} ${made}`);
    expect(text).toMatch(/^http_request_duration_seconds_sum\{route="\/v1\/models\/:target",model="digits-full",outcome="success"\} \d/m);
    const buckets = [
      ...text.matchAll(/^http_request_duration_seconds_bucket\{le="([^"]+)",route="\/v1\/models\/:target",model="digits-full",outcome="success"\} (\d+)$/gm),
    ].map((m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) }));
    expect(buckets.length).toBeGreaterThan(10);
    expect(buckets[0]?.le).toBe(0.0005);
    expect(buckets.at(-2)?.le).toBe(10);
    expect(buckets.at(-1)).toEqual({ le: Infinity, count: made });
    for (let i = 1; i < buckets.length; i++) {
      expect(buckets[i]?.le).toBeGreaterThan(buckets[i - 1]?.le ?? 0);
      expect(buckets[i]?.count).toBeGreaterThanOrEqual(buckets[i - 1]?.count ?? 0);
    }
  });
});
