/**
 * How many keyed predictions the server has answered for a model, read from
 * its Prometheus metrics: the server's own record that a cloud call happened.
 */
import type { APIRequestContext } from '@playwright/test';

export async function predictCalls(request: APIRequestContext, model: string): Promise<number> {
  const text = await (await request.get('/metrics')).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('outcome="success"')) continue;
    if (!line.startsWith('http_requests_total{') || !line.includes('route="/v1/models/') || !line.includes(`model="${model}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
