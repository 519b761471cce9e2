/**
 * Replicas that keep nothing the others need: two in-process servers sharing
 * one Redis (started here), one PostgreSQL store (started here) and one
 * model registry folder. A client's rate limit holds across both, and with
 * TRUST_PROXY two clients behind one proxy are limited apart while a client
 * the proxy list does not name cannot pick its address; a version loaded and
 * promoted through one replica is answered by the other after its refresh,
 * which answers with its last deployment meanwhile; a retraining run started
 * through one is listed by the other; Redis going away lets
 * requests through. The settings themselves are checked first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../src/core/api/errors';
import { PredictResponse } from '../src/core/api/predict';
import { RetrainRun, RetrainRuns } from '../src/core/api/retrain';
import { startRedis, type TestRedis } from '../test/batch/redis';
import { freshStore } from '../test/db/backends';
import { drawnPixels } from '../test/drawn-digits';
import { addSecondVersions } from '../test/server/second-versions';
import { readyServer, registryCopy } from '../test/server/test-server';
import type { Server } from './app';
import { loadConfig } from './config';

const TOKEN = 'replicas-admin-token-0123456';
const ADMIN = { authorization: `Bearer ${TOKEN}` };
const LIMIT = 4;
const PROXY = '10.0.0.9';
const MODEL = 'digits-full';

describe('the replica settings', () => {
  it('read TRUST_PROXY as off, on, or a list of addresses and CIDRs, and refuse anything else', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'on' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.9, 10.1.0.0/16,fd00::/8,loopback' }).trustProxy).toEqual(['10.0.0.9', '10.1.0.0/16', 'fd00::/8', 'loopback']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(
      /TRUST_PROXY: must be on, off, or a comma-separated list .*\(not an address: 10\.0\.0\.0\/33\)/,
    );
    expect(() => loadConfig({ TRUST_PROXY: 'haproxy' })).toThrow(/TRUST_PROXY: .*not an address: haproxy/);
  });

  it('read REDIS_URL as a redis:// or rediss:// URL, never showing it', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'rediss://user:secret@redis:6380/0' }).redisUrl).toBe('rediss://user:secret@redis:6380/0');
    expect(() => loadConfig({ REDIS_URL: 'http://user:secret@redis' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL \(got \(hidden\)\)/);
  });
});

describe('two replicas sharing Redis, PostgreSQL and the model registry', () => {
  let redis: TestRedis | undefined;
  let registry: string;
  let a: Server;
  let b: Server;

  beforeAll(async () => {
    redis = await startRedis();
    const { settings } = await freshStore('postgres');
    registry = registryCopy();
    const env = (replica: string) => ({
      EVALUATION: 'on',
      DATABASE_URL: settings.databaseUrl as string,
      REDIS_URL: redis?.url as string,
      TRUST_PROXY: '10.0.0.0/8',
      FEEDBACK_RATE_LIMIT: String(LIMIT),
      ADMIN_TOKEN: TOKEN,
      MODEL_REPOSITORY: registry,
      BATCH_DIR: mkdtempSync(join(tmpdir(), `replica-${replica}-batch-`)),
      RETRAIN_DIR: mkdtempSync(join(tmpdir(), `replica-${replica}-retrain-`)),
    });
    a = await readyServer(env('a'));
    b = await readyServer(env('b'));
  }, 120_000);

  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    await redis?.stop();
  });

  /** Feedback from `client` through the proxy (X-Forwarded-For), or straight from `from`. */
  const feedback = (server: Server, client: string, from = PROXY) =>
    server.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      remoteAddress: from,
      headers: { 'x-forwarded-for': client },
      payload: { labels: [{ key: `k-${client}`, label: '1' }] },
    });

  it('holds a client to its limit across both: the sum of its requests is limited, with a coded 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await feedback(i % 2 === 0 ? a : b, '203.0.113.1')).statusCode);
    expect(statuses).toEqual(Array<number>(LIMIT).fill(200));
    for (const server of [a, b]) {
      const limited = await feedback(server, '203.0.113.1');
      expect(limited.statusCode).toBe(429);
      expect(ErrorBody.parse(limited.json()).code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another route counts apart: the edge log is not limited by the feedback sent.
    const logs = await a.app.inject({
      method: 'POST',
      url: '/v1/logs/predictions',
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': '203.0.113.1' },
      payload: {},
    });
    expect(logs.statusCode).not.toBe(429);
  });

  it('limits two clients behind one proxy apart, and believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    // 203.0.113.1 used its limit above; 203.0.113.2 comes through the same proxy.
    expect((await feedback(b, '203.0.113.2')).statusCode).toBe(200);
    expect((await feedback(a, '203.0.113.1')).statusCode).toBe(429);
    // Straight from an address outside 10.0.0.0/8, its own header is ignored: a new one each time still counts as one client.
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await feedback(i % 2 === 0 ? a : b, `198.18.0.${i}`, '198.51.100.7')).statusCode);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
  });

  it('answers a version loaded and promoted through one replica from the other once it refreshes, and its last champion meanwhile', async () => {
    const predict = async (server: Server) => {
      const reply = await server.app.inject({
        method: 'POST',
        url: `/v1/models/${MODEL}:predict`,
        payload: { instances: [{ key: 'p', pixels: drawnPixels(3) }] },
      });
      expect(reply.statusCode).toBe(200);
      return PredictResponse.parse(reply.json()).model_version;
    };
    expect([await predict(a), await predict(b)]).toEqual(['1', '1']);
    // The champion pinned (as retraining does): a version loaded later is no default of one replica alone.
    const pinned = await a.app.inject({ method: 'PUT', url: `/v1/models/${MODEL}/deployment`, headers: ADMIN, payload: { champion: '1', mode: 'none' } });
    expect(pinned.statusCode).toBe(200);

    addSecondVersions(registry, MODEL);
    const load = await a.app.inject({ method: 'POST', url: `/v2/repository/models/${MODEL}/load`, headers: ADMIN });
    expect(load.statusCode).toBe(200);
    expect(await predict(a)).toBe('1');
    const promoted = await a.app.inject({ method: 'POST', url: `/v1/models/${MODEL}/promote`, headers: ADMIN, payload: { version: '2' } });
    expect(promoted.statusCode).toBe(200);
    expect(await predict(a)).toBe('2');
    // B has not refreshed: it answers with version 1, which it serves, and reports the deployment as stored only once it reads it.
    expect(b.context.registry.versions(MODEL)).toEqual(['1']);
    expect(await predict(b)).toBe('1');

    await b.context.deployments.refresh();
    expect(b.context.registry.versions(MODEL)).toEqual(['1', '2']);
    expect(await predict(b)).toBe('2');
    const deployment = await b.app.inject({ url: `/v1/models/${MODEL}/deployment` });
    expect(deployment.json()).toMatchObject({ champion: '2', previous_champion: '1' });

    // A rollback through B reaches A the same way.
    expect((await b.app.inject({ method: 'POST', url: `/v1/models/${MODEL}/rollback`, headers: ADMIN })).statusCode).toBe(200);
    expect(await predict(a)).toBe('2');
    await a.context.deployments.refresh();
    expect(await predict(a)).toBe('1');
  });

  it('lists a retraining run started through one replica on the other, step by step as the first wrote it', async () => {
    const started = await a.app.inject({ method: 'POST', url: `/v1/models/${MODEL}/retrain`, headers: ADMIN });
    expect(started.statusCode).toBe(202);
    const { id } = RetrainRun.parse(started.json());
    await a.context.retrains?.idle();
    const runs = async (server: Server) => {
      const reply = await server.app.inject({ url: `/v1/models/${MODEL}/retrain`, headers: ADMIN });
      expect(reply.statusCode).toBe(200);
      return RetrainRuns.parse(reply.json()).runs;
    };
    const fromA = await runs(a);
    // Written in the background: B lists the run as A has it within moments. Too few labels: it stopped at its export.
    await expect.poll(() => runs(b), { timeout: 10_000, interval: 50 }).toEqual(fromA);
    const fromB = await runs(b);
    expect(fromB).toHaveLength(1);
    expect(fromB[0]).toMatchObject({ id, state: 'failed', steps: [{ step: 'export', ok: false }] });
  });

  it('lets requests through when Redis is gone: serving goes on without the limit', async () => {
    await redis?.stop();
    redis = undefined;
    const started = performance.now();
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) statuses.push((await feedback(a, '203.0.113.3')).statusCode);
    expect(statuses).toEqual(Array<number>(2 * LIMIT).fill(200));
    // Each check fails at once or within its 500 ms deadline, never waiting for a reconnection.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
