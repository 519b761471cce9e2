/**
 * The alert scheduler: the first run one interval after start, runs that
 * never overlap, failures logged while the schedule goes on; firings posted to
 * a real local webhook that fails once and then accepts, without holding up
 * the evaluation; a webhook that keeps failing or never answers is logged;
 * a rule whose action is retrain starts a retraining when it fires.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { eachBackend } from '../../../test/db/backends';
import type { Database } from '../../db/database';
import { EvaluationMetrics } from '../../metrics/evaluation-metrics';
import { RuleSchema } from './rules';
import { recordFiring } from './alert-store';
import { AlertScheduler } from './scheduler';
import { after, evaluationOver, feed, hour, loadLayouts } from './testing/scenario';
import { postToWebhook } from './webhook';

const layouts = await loadLayouts();
const drift = RuleSchema.parse({ kind: 'dataset_drift', name: 'hook-drift', model: 'digits-full' });
const quietLog = () => ({ warn: vi.fn(), error: vi.fn() });

interface Hook {
  readonly url: string;
  readonly bodies: string[];
  readonly times: number[];
}
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local webhook that answers each request with `status(n)` (n from 1), or never when that is undefined. */
async function webhook(status: (n: number) => number | undefined): Promise<Hook> {
  const hook = { url: '', bodies: [] as string[], times: [] as number[] };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      hook.bodies.push(body);
      hook.times.push(performance.now());
      const code = status(hook.bodies.length);
      if (code !== undefined) response.writeHead(code).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  return hook;
}

/** An evaluation whose store answers every query after `delayMs`, counting how many run at once. */
function slowStore(delayMs: number, fail = false) {
  const seen = { running: 0, most: 0, queries: 0 };
  const db = {
    async query() {
      seen.queries += 1;
      seen.running += 1;
      seen.most = Math.max(seen.most, seen.running);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      seen.running -= 1;
      if (fail) throw new Error('the store is down');
      return [];
    },
  } as unknown as Database;
  return { evaluation: { db, layouts }, seen };
}

describe('alert scheduler', () => {
  it('runs first one interval after start, then on schedule, never two runs at once', async () => {
    const { evaluation, seen } = slowStore(30);
    const scheduler = new AlertScheduler(evaluation, { rules: [drift], intervalSeconds: 0.1, log: quietLog() });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen.queries).toBe(0);
    await vi.waitFor(() => expect(seen.queries).toBeGreaterThanOrEqual(2), { timeout: 2000, interval: 10 });
    // Asked for while scheduled ones run: they queue.
    await Promise.all([scheduler.evaluate(), scheduler.evaluate(), scheduler.evaluate()]);
    await scheduler.stop();
    const stopped = seen.queries;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(seen.queries).toBe(stopped);
    expect(seen.most).toBe(1);
  });

  it('logs a failed run and keeps the schedule; an evaluation asked for rejects', async () => {
    const { evaluation, seen } = slowStore(1, true);
    const log = quietLog();
    const scheduler = new AlertScheduler(evaluation, { rules: [drift], intervalSeconds: 0.05, log });
    scheduler.start();
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledTimes(2), { timeout: 2000, interval: 10 });
    expect(log.error.mock.calls[0]?.[0]).toMatchObject({ err: expect.objectContaining({ message: 'the store is down' }) });
    await expect(scheduler.evaluate()).rejects.toThrow('the store is down');
    await scheduler.stop();
    expect(seen.queries).toBeGreaterThanOrEqual(3);
  });

  it('gives up on a webhook after three attempts, backing off exponentially, and bounds each one', async () => {
    const failing = await webhook(() => 503);
    const signal = new AbortController().signal;
    expect(await postToWebhook(failing.url, { a: 1 }, signal, { attempts: 3, backoffMs: 50, timeoutMs: 1000 })).toEqual({
      delivered: false,
      attempts: 3,
      error: 'the webhook answered 503',
    });
    const [first = 0, second = 0, third = 0] = failing.times;
    expect(second - first).toBeGreaterThanOrEqual(45);
    expect(third - second).toBeGreaterThanOrEqual(95);
    // A refusal that retrying cannot mend is not retried.
    const refusing = await webhook(() => 400);
    expect(await postToWebhook(refusing.url, {}, signal)).toEqual({ delivered: false, attempts: 1, error: 'the webhook answered 400' });
    const silent = await webhook(() => undefined);
    expect(await postToWebhook(silent.url, {}, signal, { attempts: 2, backoffMs: 10, timeoutMs: 100 })).toEqual({
      delivered: false,
      attempts: 2,
      error: 'no answer within 100 ms',
    });
  });
});

eachBackend('alert webhook', (suite) => {
  const evaluation = evaluationOver(() => suite().db, layouts);

  it('posts each firing as JSON, retrying after a 500, without holding up the evaluation', async () => {
    await feed(suite().db, layouts, { prefix: 'hook', start: hour(40), count: 250, like: 'shifted' });
    const hook = await webhook((n) => (n === 1 ? 500 : 204));
    const log = quietLog();
    const registry = new Registry();
    const observer = new EvaluationMetrics(registry).alerts();
    const scheduler = new AlertScheduler(evaluation, { rules: [drift], intervalSeconds: 60, log, webhookUrl: hook.url, observer });
    const fired = await scheduler.evaluate(after(40));
    expect(fired).toHaveLength(1);
    // The evaluation is done; the retry waits a second behind it.
    expect(hook.bodies.length).toBeLessThanOrEqual(1);
    await scheduler.idle();
    expect(hook.bodies.map((b) => JSON.parse(b))).toEqual([fired[0], fired[0]]);
    const [first = 0, second = 0] = hook.times;
    expect(second - first).toBeGreaterThanOrEqual(950);
    expect(log.warn).toHaveBeenCalledTimes(1); // The firing itself; no delivery failure.
    expect(log.warn.mock.calls[0]?.[1]).toBe('alert: rule hook-drift fired for digits-full version 1');
    const text = await registry.metrics();
    expect(text).toContain('monitoring_alert_active{rule="hook-drift",model="digits-full",version="1"} 1');
    expect(text).toContain('monitoring_alerts_total{rule="hook-drift",model="digits-full"} 1');
    // Within the cooldown the rule still holds: active, but not counted again.
    expect(await scheduler.evaluate(new Date(after(40).getTime() + 60_000))).toEqual([]);
    expect(await registry.metrics()).toContain('monitoring_alert_active{rule="hook-drift",model="digits-full",version="1"} 1');
    // The next hour has no predictions: nothing holds any more.
    await scheduler.evaluate(after(41 + 10));
    const later = await registry.metrics();
    expect(later).toContain('monitoring_alert_active{rule="hook-drift",model="digits-full",version="1"} 0');
    expect(later).toContain('monitoring_alerts_total{rule="hook-drift",model="digits-full"} 1');
    await scheduler.stop();
  });

  it('logs a firing the webhook never took, and the audit record stays', async () => {
    await feed(suite().db, layouts, { prefix: 'hook-down', start: hour(41), count: 250, like: 'shifted' });
    const hook = await webhook(() => 500);
    const log = quietLog();
    const scheduler = new AlertScheduler(evaluation, {
      rules: [drift],
      intervalSeconds: 60,
      log,
      webhookUrl: hook.url,
      webhook: { attempts: 3, backoffMs: 10, timeoutMs: 1000 },
    });
    const [fired] = await scheduler.evaluate(after(41));
    await scheduler.idle();
    expect(hook.bodies).toHaveLength(3);
    expect(log.warn).toHaveBeenLastCalledWith(
      { alert: fired?.id, rule: 'hook-drift', attempts: 3, reason: 'the webhook answered 500' },
      'alert webhook: not delivered; the alert stays in the audit trail',
    );
    expect(await suite().db.query('SELECT id FROM alerts WHERE id = $1', [fired?.id])).toEqual([{ id: fired?.id }]);
    await scheduler.stop();
  });

  it("starts a retraining for a firing whose rule's action is retrain, and for no other", async () => {
    await feed(suite().db, layouts, { prefix: 'hook-retrain', start: hour(42), count: 250, like: 'shifted' });
    const retrain = vi.fn();
    const retraining = RuleSchema.parse({ kind: 'dataset_drift', name: 'drift-retrain', model: 'digits-full', action: 'retrain' });
    const scheduler = new AlertScheduler(evaluation, { rules: [drift, retraining], intervalSeconds: 60, log: quietLog(), actions: { retrain } });
    const fired = await scheduler.evaluate(after(42));
    expect(fired.map((f) => [f.rule, f.action]).sort()).toEqual([
      ['drift-retrain', 'retrain'],
      ['hook-drift', 'notify'],
    ]);
    expect(retrain.mock.calls).toEqual([[fired.find((f) => f.rule === 'drift-retrain')]]);
    // In its cooldown the rule does not fire again, so no second retraining starts.
    await scheduler.evaluate(new Date(after(42).getTime() + 60_000));
    expect(retrain).toHaveBeenCalledTimes(1);
    await scheduler.stop();
  });

  it("a batch job's or a shadow's window notifies but never retrains", async () => {
    await feed(suite().db, layouts, { prefix: 'hook-batch', start: hour(44), count: 250, like: 'shifted', source: 'batch' });
    const retrain = vi.fn();
    const retraining = RuleSchema.parse({ kind: 'dataset_drift', name: 'drift-retrain-batch', model: 'digits-full', action: 'retrain' });
    const scheduler = new AlertScheduler(evaluation, { rules: [retraining], intervalSeconds: 60, log: quietLog(), actions: { retrain } });
    const fired = await scheduler.evaluate(after(44));
    expect(fired.map((f) => [f.rule, f.evidence['source']])).toEqual([['drift-retrain-batch', 'batch']]);
    expect(retrain).not.toHaveBeenCalled();
    await scheduler.stop();
  });

  it("a retrain rule's cooldown holds for every version of the model and source; a notify rule's for one version", async () => {
    const firing = (rule: string, version: string, action: 'notify' | 'retrain', minutes: number, source = 'cloud') => ({
      time: new Date(after(46).getTime() + minutes * 60_000),
      rule,
      model: 'digits-full',
      version,
      window: { start: new Date(hour(46)).toISOString(), end: new Date(hour(47)).toISOString() },
      value: 0.7,
      threshold: 0.9,
      evidence: { source },
      action,
    });
    // A batch window's firing (it never retrains) holds back no live one.
    expect(await recordFiring(suite().db, firing('retrain-cooldown', '1', 'retrain', -5, 'batch'), 3600)).toBeDefined();
    expect(await recordFiring(suite().db, firing('retrain-cooldown', '1', 'retrain', 0), 3600)).toBeDefined();
    expect(await recordFiring(suite().db, firing('retrain-cooldown', '2', 'retrain', 10), 3600)).toBeUndefined();
    expect(await recordFiring(suite().db, firing('retrain-cooldown', '2', 'retrain', 61), 3600)).toBeDefined();
    expect(await recordFiring(suite().db, firing('notify-cooldown', '1', 'notify', 0), 3600)).toBeDefined();
    expect(await recordFiring(suite().db, firing('notify-cooldown', '2', 'notify', 10), 3600)).toBeDefined();
    expect(await recordFiring(suite().db, firing('notify-cooldown', '2', 'notify', 20), 3600)).toBeUndefined();
  });
});
