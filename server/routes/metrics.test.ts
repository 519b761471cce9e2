/** /metrics reports requests by route, model and outcome, and the batches run, in Prometheus text. */
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
});
