/**
 * The store goes away under a running server (its PostgreSQL stops):
 * predictions keep being answered, the log drops what it cannot write and
 * counts it, and feedback answers a retryable 503 instead of pretending it
 * kept the labels.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ErrorBody } from '../../src/core/api/errors';
import type { Server } from '../app';
import { startPostgres, type PostgresCluster } from '../../test/db/postgres-cluster';
import { drawnPixels } from '../../test/drawn-digits';
import { readyServer } from '../../test/server/test-server';

const TOKEN = 'outage-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
let cluster: PostgresCluster;
let server: Server;

beforeAll(async () => {
  cluster = await startPostgres();
  server = await readyServer({ EVALUATION: 'on', DATABASE_URL: cluster.url, ADMIN_TOKEN: TOKEN });
});
afterAll(async () => {
  await server?.app.close();
  await cluster?.stop();
});

const predict = (key: string) =>
  server.app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload: { instances: [{ key, pixels: drawnPixels(4) }] } });
const dropped = async () =>
  Number((await server.app.inject({ url: '/metrics' })).body.match(/^prediction_log_dropped_total\{reason="store_error"\} (\d+)/m)?.[1]);

it('keeps serving without its store, and counts what the log dropped', async () => {
  expect((await predict('before')).statusCode).toBe(200);
  expect((await server.app.inject({ method: 'POST', url: '/v1/monitoring/flush', headers: AUTH })).json()).toEqual({ written: 1 });
  await cluster.stop();

  const during = await Promise.all(Array.from({ length: 20 }, (_, i) => predict(`during-${i}`)));
  expect(during.map((r) => r.statusCode)).toEqual(new Array(20).fill(200));
  expect(during[3]?.json().predictions[0]).toMatchObject({ key: 'during-3', label: '4' });
  const flush = await server.app.inject({ method: 'POST', url: '/v1/monitoring/flush', headers: AUTH });
  expect(flush.statusCode).toBe(503);
  expect(ErrorBody.parse(flush.json()).code).toBe('STORE_UNAVAILABLE');
  expect(await dropped()).toBe(20);

  const feedback = await server.app.inject({ method: 'POST', url: '/v1/feedback', payload: { labels: [{ key: 'before', label: '4' }] } });
  expect(feedback.statusCode).toBe(503);
  expect(ErrorBody.parse(feedback.json()).code).toBe('STORE_UNAVAILABLE');
  expect(feedback.headers['retry-after']).toBe('1');
  expect((await predict('after')).statusCode).toBe(200);
});
