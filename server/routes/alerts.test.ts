/**
 * The alert routes through inject(), against both stores: the admin token,
 * 503 with evaluation off, an evaluation asked for that writes audit records,
 * those records read back newest first with their evidence and filters, the
 * metrics of the firings, a bad rules file failing the plugin's start, and
 * the audit log: the firings and other entries newest first, filtered.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsResponse, EvaluateResponse } from '../../src/core/api/alerts';
import { AuditResponse } from '../../src/core/api/audit';
import { MODEL_PACK_DIR } from '../../src/core/manifest';
import { eachBackend, tempDir } from '../../test/db/backends';
import { loadConfig } from '../config';
import type { ServerContext } from '../context';
import { Evaluation } from '../evaluation/evaluation';
import { RuleSchema } from '../evaluation/rules/rules';
import { AlertScheduler } from '../evaluation/rules/scheduler';
import { after, feed, hour } from '../evaluation/rules/testing/scenario';
import { registerErrorHandling } from '../http/error-handler';
import { registerSchemaCompilers } from '../http/schemas';
import { ServerMetrics } from '../metrics/metrics';
import { alertRoutes } from './alerts';

const TOKEN = 'x'.repeat(16);
const AUTH = { authorization: `Bearer ${TOKEN}` };
const KEYS = ['id', 'time', 'rule', 'model', 'version', 'window', 'value', 'threshold', 'evidence', 'action'];
const silent = { written() {}, dropped() {}, storeFailed() {} };

function contextOf(evaluation: Evaluation | undefined, env: Record<string, string> = {}): ServerContext {
  const config = loadConfig({ ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent', ...env });
  return { config, metrics: new ServerMetrics(), evaluation } as unknown as ServerContext;
}

async function appOf(context: ServerContext, alerts?: AlertScheduler): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerSchemaCompilers(app);
  registerErrorHandling(app);
  await app.register(alertRoutes, alerts ? { context, alerts } : { context });
  await app.ready();
  return app;
}

describe('alert routes without evaluation', () => {
  it('asks for the admin token, then answers 503 while evaluation is off', async () => {
    const app = await appOf(contextOf(undefined));
    expect((await app.inject({ url: '/v1/monitoring/alerts' })).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const off = await app.inject({ method: 'POST', url: '/v1/monitoring/evaluate', headers: AUTH });
    expect(off.statusCode).toBe(503);
    expect(off.json()).toMatchObject({ code: 'EVALUATION_DISABLED' });
    const audit = await app.inject({ url: '/v1/monitoring/audit', headers: AUTH });
    expect([audit.statusCode, audit.json()]).toEqual([503, expect.objectContaining({ code: 'EVALUATION_DISABLED' })]);
    await app.close();
  });
});

eachBackend('alert routes', (suite) => {
  let evaluation: Evaluation;
  let context: ServerContext;
  let app: FastifyInstance;
  let clock = after(50);
  beforeAll(async () => {
    const { db, store } = suite();
    evaluation = await Evaluation.open({ ...loadConfig({}).evaluation, store: store.settings }, MODEL_PACK_DIR, silent, db);
    context = contextOf(evaluation);
    const rules = [
      RuleSchema.parse({ kind: 'dataset_drift', name: 'drift', model: 'digits-full' }),
      RuleSchema.parse({ kind: 'gate_rate_above', name: 'gate', model: 'digits-small' }),
    ];
    const alerts = new AlertScheduler(evaluation, {
      rules,
      intervalSeconds: 60,
      log: { warn() {}, error() {} },
      observer: context.metrics.evaluation.alerts(),
      now: () => clock,
    });
    app = await appOf(context, alerts);
  });
  afterAll(() => app.close());

  it('evaluates now, and reads the audit records back newest first with their evidence', async () => {
    const { db } = suite();
    await feed(db, evaluation.layouts, { prefix: 'route-drift', start: hour(50), count: 250, like: 'shifted' });
    await feed(db, evaluation.layouts, {
      prefix: 'route-gate',
      start: hour(51),
      count: 250,
      like: 'reference',
      model: 'digits-small',
      source: 'edge',
      gateFired: 100,
    });
    const evaluate = () => app.inject({ method: 'POST', url: '/v1/monitoring/evaluate', headers: AUTH });
    const first = await evaluate();
    expect(first.statusCode).toBe(200);
    const drift = EvaluateResponse.parse(first.json()).fired;
    expect(drift.map((a) => [a.rule, a.model, a.window.start])).toEqual([['drift', 'digits-full', new Date(hour(50)).toISOString()]]);
    clock = after(51);
    const gate = EvaluateResponse.parse((await evaluate()).json()).fired;
    expect(gate.map((a) => [a.rule, a.model, a.value])).toEqual([['gate', 'digits-small', 0.4]]);

    const list = async (query = '') => {
      const response = await app.inject({ url: `/v1/monitoring/alerts${query}`, headers: AUTH });
      expect(response.statusCode).toBe(200);
      return AlertsResponse.parse(response.json()).alerts;
    };
    const all = await list();
    expect(all).toEqual([...gate, ...drift]);
    expect(Object.keys(all[0] ?? {})).toEqual(KEYS);
    expect(all[1]).toMatchObject({
      time: after(50).toISOString(),
      window: { start: new Date(hour(50)).toISOString(), end: new Date(hour(51)).toISOString() },
      threshold: 0.5,
      action: 'notify',
      evidence: { kind: 'dataset_drift', source: 'cloud', predictions: 250, drifted_share: 1 },
    });
    const drifted = (all[1]?.evidence.drifted ?? []) as { name: string; p_value: number | null }[];
    expect(drifted.find((c) => c.name === 'confidence')?.p_value).toBeLessThan(0.05);
    expect(await list('?model=digits-full')).toEqual(drift);
    expect(await list(`?since=${encodeURIComponent(after(51).toISOString())}`)).toEqual(gate);
    expect(await list('?model=nothing')).toEqual([]);

    const bad = await app.inject({ url: '/v1/monitoring/alerts?since=yesterday', headers: AUTH });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringContaining('since') });

    const metrics = await context.metrics.registry.metrics();
    expect(metrics).toContain('monitoring_alerts_total{rule="drift",model="digits-full"} 1');
    expect(metrics).toContain('monitoring_alert_active{rule="gate",model="digits-small",version="1"} 1');
  });

  it('lists the audit log newest first: the firings as alert entries, and what other code records', async () => {
    const list = async (query = '') => {
      const response = await app.inject({ url: `/v1/monitoring/audit${query}`, headers: AUTH });
      expect(response.statusCode).toBe(200);
      return AuditResponse.parse(response.json()).entries;
    };
    const alerts = AlertsResponse.parse((await app.inject({ url: '/v1/monitoring/alerts', headers: AUTH })).json()).alerts;
    const fired = await list();
    expect(fired.map((e) => [e.kind, e.model, e.version, e.time, e.details.alert_id, e.details.rule])).toEqual(
      alerts.map((a) => ['alert', a.model, a.version, a.time, a.id, a.rule]),
    );
    expect(fired[0]?.details).toEqual({
      alert_id: alerts[0]?.id,
      rule: 'gate',
      window: alerts[0]?.window,
      value: 0.4,
      threshold: alerts[0]?.threshold,
      action: 'notify',
    });

    const promoted = await evaluation.audit.record({
      kind: 'promoted',
      model: 'digits-full',
      version: '2',
      time: after(52),
      details: { from: '1', p_value: 0.001 },
    });
    const all = await list();
    expect(all).toEqual([promoted, ...fired]);
    expect(Object.keys(all[0] ?? {})).toEqual(['id', 'time', 'kind', 'model', 'version', 'details']);
    expect(await list('?model=digits-full')).toEqual(all.filter((e) => e.model === 'digits-full'));
    expect(await list(`?since=${encodeURIComponent(after(51).toISOString())}&model=digits-small`)).toEqual(fired.filter((e) => e.model === 'digits-small'));
    expect(await list(`?since=${encodeURIComponent(after(52).toISOString())}`)).toEqual([promoted]);
    expect(await list('?model=nothing')).toEqual([]);

    for (const [query, field] of [
      ['?since=yesterday', 'since'],
      ['?since=2026-11-29T12:00:00', 'since'],
      ['?model=', 'model'],
      ['?kind=alert', 'kind'],
    ] as const) {
      const bad = await app.inject({ url: `/v1/monitoring/audit${query}`, headers: AUTH });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringContaining(field) });
    }
    for (const headers of [{}, { authorization: `Bearer ${'y'.repeat(16)}` }]) {
      const refused = await app.inject({ url: '/v1/monitoring/audit', headers });
      expect([refused.statusCode, refused.json()]).toEqual([401, expect.objectContaining({ code: 'UNAUTHORIZED' })]);
    }
  });

  it('reads the rules itself when given the context alone, and refuses to start on a bad rules file', async () => {
    const dir = tempDir('alert-rules-');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ rules: [{ kind: 'dataset_drift', name: 'own', window: '1m' }] }));
    const withRules = (rulesFile: string) => Evaluation.open({ ...evaluation.settings, rulesFile }, MODEL_PACK_DIR, silent, suite().db);
    const own = await appOf(contextOf(await withRules(good)));
    // Real time: the last minute holds no predictions, so nothing fires; the rules ran all the same.
    const response = await own.inject({ method: 'POST', url: '/v1/monitoring/evaluate', headers: AUTH });
    expect(response.json()).toEqual({ fired: [] });
    await own.close();

    const broken = join(dir, 'bad.json');
    writeFileSync(broken, JSON.stringify({ rules: [{ kind: 'dataset_drift', name: 'own', min_samples: -1 }] }));
    await expect(appOf(contextOf(await withRules(broken)))).rejects.toThrow(/MONITORING_RULES \(.*bad\.json\): rules\[0\]\.min_samples: /);
  });
});
