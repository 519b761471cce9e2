/**
 * The evaluation routes through Fastify's inject on a server with a real
 * store: feedback committed and joined, edge records checked one by one and
 * never doubled, cloud answers logged by key, monitoring behind the admin
 * token, the reject label ("not a digit") as ground truth joined into the
 * windows and the confusion matrix, per-client rate limits, and a coded 4xx
 * for every bad input.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../src/core/api/errors';
import { CascadeResponse, ConfusionResponse, EdgeLogResponse, FeedbackResponse, FlushResponse, WindowsResponse } from '../../src/core/api/evaluation';
import type { Server } from '../app';
import { drawnLetterPixels, drawnPixels, packModel } from '../../test/drawn-digits';
import { readyServer } from '../../test/server/test-server';

const TOKEN = 'evaluation-admin-token-01234';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SMALL = packModel('digits-small');
const FULL = packModel('digits-full');
let server: Server;

beforeAll(async () => {
  // MIN_LABELS 1: windows give their accuracy however few labels they hold.
  server = await readyServer({
    EVALUATION: 'on',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'eval-routes-')),
    ADMIN_TOKEN: TOKEN,
    FEEDBACK_RATE_LIMIT: '40',
    MIN_LABELS: '1',
  });
});
afterAll(() => server?.app.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}, remoteAddress = '10.0.0.1') =>
  server.app.inject({ method: 'POST', url, payload: payload as InjectOptions['payload'], headers, remoteAddress });

function edgeRecord(key: string, overrides: Record<string, unknown> = {}) {
  const probabilities = SMALL.labels.map((_, i) => (i === 7 ? 0.55 : 0.45 / (SMALL.labels.length - 1)));
  return {
    key,
    model: 'digits-small',
    version: '1',
    source: 'edge',
    time: new Date().toISOString(),
    label: '7',
    probabilities,
    pixels: drawnPixels(7),
    gate_fired: true,
    answered_by: 'cloud',
    ...overrides,
  };
}

describe('feedback', () => {
  it('commits labels and says which keys no log holds yet', async () => {
    const reply = await post('/v1/feedback', {
      labels: [
        { key: 'fb-1', label: '3' },
        { key: 'fb-2', label: '4', time: '2026-11-01T10:00:00Z' },
      ],
    });
    expect(reply.statusCode).toBe(200);
    expect(FeedbackResponse.parse(reply.json())).toEqual({ accepted: 2, pending: 2 });
    const rows = await server.context.evaluation?.db.query<{ key: string; label: string }>("SELECT key, label FROM labels WHERE key LIKE 'fb-%' ORDER BY key");
    expect(rows).toEqual([
      { key: 'fb-1', label: '3' },
      { key: 'fb-2', label: '4' },
    ]);
  });

  it.each([
    ['a label outside the pack', { labels: [{ key: 'k', label: 'cat' }] }, /labels\[0\]\.label: "cat" is not a label/],
    ['no labels', { labels: [] }, /labels/],
    ['a missing key', { labels: [{ label: '3' }] }, /key/],
    ['an unknown field', { labels: [{ key: 'k', label: '3', extra: 1 }] }, /extra|unrecognized/i],
    ['a time without a zone', { labels: [{ key: 'k', label: '3', time: '2026-11-01 10:00' }] }, /time/],
    ['not an object', [1, 2], /object|labels/],
  ])('refuses %s with a coded 400 and keeps nothing', async (_name, body, message) => {
    const reply = await post('/v1/feedback', body);
    expect(reply.statusCode).toBe(400);
    const error = ErrorBody.parse(reply.json());
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.error).toMatch(message);
    const kept = await server.context.evaluation?.db.query("SELECT 1 FROM labels WHERE key = 'k'");
    expect(kept).toHaveLength(0);
  });
});

describe('edge prediction logs', () => {
  it('logs valid records, names the bad ones, and never doubles a replay', async () => {
    const records = [
      edgeRecord('edge-1'),
      edgeRecord('edge-2', { label: 'cat' }),
      edgeRecord('edge-3', { probabilities: [0.5, 0.5] }),
      edgeRecord('edge-4', { version: '9' }),
      edgeRecord('edge-5', { pixels: [0.1, 0.2] }),
      edgeRecord('edge-6', { gate_fired: false, answered_by: 'edge' }),
    ];
    const reply = await post('/v1/logs/predictions', { records });
    expect(reply.statusCode).toBe(200);
    const body = EdgeLogResponse.parse(reply.json());
    expect(body.accepted).toBe(2);
    expect(body.duplicates).toBe(0);
    expect(body.rejected.map((r) => [r.index, r.key, r.code])).toEqual([
      [1, 'edge-2', 'INVALID_REQUEST'],
      [2, 'edge-3', 'INVALID_REQUEST'],
      [3, 'edge-4', 'INVALID_REQUEST'],
      [4, 'edge-5', 'INVALID_REQUEST'],
    ]);
    expect(body.rejected[0]?.error).toMatch(/label: "cat"/);
    expect(body.rejected[1]?.error).toMatch(`2 values; digits-small has ${SMALL.labels.length} labels`);
    expect(body.rejected[2]?.error).toMatch(/version: "9" is not a version of digits-small/);
    expect(body.rejected[3]?.error).toMatch(/pixels: 2 values; digits-small takes 784/);
    const replay = EdgeLogResponse.parse((await post('/v1/logs/predictions', { records: [records[0], records[5]] })).json());
    expect(replay).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    const rows = await server.context.evaluation?.db.query<{ key: string; gate_fired: boolean; answered_by: string; input: Uint8Array }>(
      "SELECT key, gate_fired, answered_by, input FROM predictions WHERE key LIKE 'edge-%' ORDER BY key",
    );
    expect(rows?.map((r) => [r.key, r.gate_fired, r.answered_by, r.input.length])).toEqual([
      ['edge-1', true, 'cloud', 784],
      ['edge-6', false, 'edge', 784],
    ]);
  });

  it('refuses a body whose every record is bad, naming the first problems', async () => {
    const reply = await post('/v1/logs/predictions', { records: [{ key: 'x' }, 5] });
    expect(reply.statusCode).toBe(400);
    expect(ErrorBody.parse(reply.json()).error).toMatch(/no record is valid: records\[0\]: .*records\[1\]: /);
  });
});

describe('cloud answers and monitoring', () => {
  it('logs :predict and OIP answers by key and shows them in the windows', async () => {
    const instances = Array.from({ length: 5 }, (_, i) => ({ key: `cloud-${i}`, pixels: drawnPixels(i) }));
    expect((await post('/v1/models/digits-full:predict', { instances })).statusCode).toBe(200);
    const infer = await post('/v2/models/digits-full/infer', {
      id: 'oip-req',
      inputs: [{ name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', data: drawnPixels(3) }],
    });
    expect(infer.statusCode).toBe(200);
    await post('/v1/feedback', { labels: instances.map((inst, i) => ({ key: inst.key, label: String(i) })) });
    const flush = await post('/v1/monitoring/flush', undefined, AUTH);
    expect(FlushResponse.parse(flush.json())).toEqual({ written: 6 });
    const logged = await server.context.evaluation?.db.query<{ key: string; signature: string; request_id: string }>(
      "SELECT key, signature, request_id FROM predictions WHERE model = 'digits-full' ORDER BY key",
    );
    expect(logged?.map((r) => r.key)).toEqual(['cloud-0', 'cloud-1', 'cloud-2', 'cloud-3', 'cloud-4', 'oip-req/0']);
    expect(logged?.[5]?.signature).toBe('oip_infer');
    const windows = await server.app.inject({ url: '/v1/monitoring/models/digits-full/windows?window=1d', headers: AUTH });
    expect(windows.statusCode).toBe(200);
    const body = WindowsResponse.parse(windows.json());
    const cloud = body.windows.find((w) => w.source === 'cloud');
    expect(cloud?.predictions).toBe(6);
    expect(cloud?.labelled).toBe(5);
  });

  it.each([
    ['/v1/monitoring/models/digits-full/windows', 401],
    ['/v1/monitoring/models/digits-full/confusion', 401],
    ['/v1/monitoring/cascade', 401],
  ])('%s needs the admin token', async (url, status) => {
    const reply = await server.app.inject({ url });
    expect(reply.statusCode).toBe(status);
    expect(ErrorBody.parse(reply.json()).code).toBe('UNAUTHORIZED');
  });

  it.each([
    ['/v1/monitoring/models/nope/windows', 404, 'MODEL_NOT_FOUND'],
    ['/v1/monitoring/models/digits-full/windows?window=2h', 400, 'INVALID_REQUEST'],
    ['/v1/monitoring/models/digits-full/windows?from=yesterday', 400, 'INVALID_REQUEST'],
    ['/v1/monitoring/models/digits-full/windows?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 400, 'INVALID_REQUEST'],
    ['/v1/monitoring/models/digits-full/windows?from=2000-01-01T00:00:00Z&window=1m', 400, 'INVALID_REQUEST'],
    ['/v1/monitoring/models/digits-full/windows?source=moon', 400, 'INVALID_REQUEST'],
  ])('%s answers %i %s', async (url, status, code) => {
    const reply = await server.app.inject({ url, headers: AUTH });
    expect(reply.statusCode).toBe(status);
    expect(ErrorBody.parse(reply.json()).code).toBe(code);
  });

  it('gives the confusion matrix and the cascade view', async () => {
    const confusion = ConfusionResponse.parse((await server.app.inject({ url: '/v1/monitoring/models/digits-full/confusion', headers: AUTH })).json());
    expect(confusion.labels).toEqual(FULL.labels);
    expect(confusion.matrix).toHaveLength(FULL.labels.length);
    expect(confusion.matrix.every((row) => row.length === FULL.labels.length)).toBe(true);
    expect(confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(5);
    const cascade = CascadeResponse.parse((await server.app.inject({ url: '/v1/monitoring/cascade', headers: AUTH })).json());
    expect(cascade).toMatchObject({ edge_model: 'digits-small', cloud_model: 'digits-full', edge_predictions: 2, escalated_share: 0.5 });
    expect(cascade.series).toBeUndefined();
  });

  it('gives the escalation and revision rates window by window, by the edge answers’ time', async () => {
    const hour = 3_600_000;
    const start = Math.floor((Date.now() - 20 * hour) / hour) * hour;
    const at = (h: number, minute: number) => new Date(start + h * hour + minute * 60_000).toISOString();
    const one = SMALL.labels.indexOf('1');
    const saysOne = { label: '1', probabilities: SMALL.labels.map((_, i) => (i === one ? 0.55 : 0.45 / (SMALL.labels.length - 1))) };
    // Hour 0: two escalations, the cloud revising one (a 7 the edge took for a 1), one answered on the device; hour 2: one on the device.
    const records = [
      edgeRecord('series-a', { time: at(0, 5) }),
      edgeRecord('series-b', { time: at(0, 10), ...saysOne }),
      edgeRecord('series-c', { time: at(0, 20), gate_fired: false, answered_by: 'edge' }),
      edgeRecord('series-d', { time: at(2, 30), gate_fired: false, answered_by: 'edge' }),
    ];
    expect((await post('/v1/logs/predictions', { records })).statusCode).toBe(200);
    const cloud = await post('/v1/models/digits-full:predict', { instances: ['series-a', 'series-b'].map((key) => ({ key, pixels: drawnPixels(7) })) });
    expect(cloud.json<{ predictions: { label: string }[] }>().predictions.map((p) => p.label)).toEqual(['7', '7']);
    expect((await post('/v1/monitoring/flush', {}, AUTH)).statusCode).toBe(200);

    const range = `from=${new Date(start).toISOString()}&to=${new Date(start + 3 * hour).toISOString()}`;
    const reply = await server.app.inject({ url: `/v1/monitoring/cascade?${range}&window=1h`, headers: AUTH });
    expect(reply.statusCode, reply.body).toBe(200);
    const cascade = CascadeResponse.parse(reply.json());
    expect(cascade).toMatchObject({ edge_predictions: 4, escalated_share: 0.5, both: 2, revised_share: 0.5 });
    expect(cascade.series).toEqual([
      { start: new Date(start).toISOString(), edge_predictions: 3, escalated_share: 2 / 3, both: 2, revised_share: 0.5 },
      { start: new Date(start + 2 * hour).toISOString(), edge_predictions: 1, escalated_share: 0, both: 0, revised_share: null },
    ]);
    const tooMany = await server.app.inject({ url: `/v1/monitoring/cascade?from=2020-01-01T00:00:00Z&window=1m`, headers: AUTH });
    expect(tooMany.statusCode).toBe(400);
    expect(ErrorBody.parse(tooMany.json()).error).toMatch(/windows of 1m in the range; at most 10000/);
  });
});

describe('the reject label as ground truth', () => {
  const reject = FULL.reject_label as string;
  const rejectIndex = FULL.labels.indexOf(reject);
  const digitIndex = FULL.labels.indexOf('7');

  async function monitoring() {
    const confusion = ConfusionResponse.parse((await server.app.inject({ url: '/v1/monitoring/models/digits-full/confusion', headers: AUTH })).json());
    const windows = WindowsResponse.parse(
      (await server.app.inject({ url: '/v1/monitoring/models/digits-full/windows?window=1d&source=cloud', headers: AUTH })).json(),
    );
    expect(windows.windows).toHaveLength(1);
    const w = windows.windows[0] as (typeof windows.windows)[number];
    const correct = Math.round((w.accuracy?.value ?? 0) * w.labelled);
    return { matrix: confusion.matrix, w, correct, rejected: Math.round((w.rejection_rate ?? 0) * w.predictions) };
  }

  it('is accepted by POST /v1/feedback and joined: a digit answered for it is wrong, the reject label right', async () => {
    expect(rejectIndex).toBeGreaterThanOrEqual(0);
    const before = await monitoring();
    const predicted = await post('/v1/models/digits-full:predict', {
      instances: [
        { key: 'nad-seven', pixels: drawnPixels(7) },
        { key: 'nad-letter', pixels: drawnLetterPixels() },
      ],
    });
    expect(predicted.statusCode).toBe(200);
    expect(predicted.json<{ predictions: { key: string; label: string }[] }>().predictions.map((p) => [p.key, p.label])).toEqual([
      ['nad-seven', '7'],
      ['nad-letter', reject],
    ]);
    expect(FlushResponse.parse((await post('/v1/monitoring/flush', undefined, AUTH)).json())).toEqual({ written: 2 });
    // The labels arrive after their predictions are logged: both join at once.
    const feedback = await post('/v1/feedback', {
      labels: [
        { key: 'nad-seven', label: reject },
        { key: 'nad-letter', label: reject },
      ],
    });
    expect(feedback.statusCode).toBe(200);
    expect(FeedbackResponse.parse(feedback.json())).toEqual({ accepted: 2, pending: 0 });

    const after = await monitoring();
    // The window: two more predictions, both labelled, one right; one more answered with the reject label.
    expect(after.w.predictions - before.w.predictions).toBe(2);
    expect(after.w.labelled - before.w.labelled).toBe(2);
    expect(after.correct - before.correct).toBe(1);
    expect(after.rejected - before.rejected).toBe(1);
    expect(after.w.label_distribution[reject]).toBe((before.w.label_distribution[reject] ?? 0) + 1);
    // The confusion matrix (rows true, columns predicted): the reject row gains the wrong 7 and the right reject.
    const change = after.matrix.map((row, t) => row.map((n, p) => n - (before.matrix[t]?.[p] ?? 0)));
    expect(change[rejectIndex]?.[digitIndex]).toBe(1);
    expect(change[rejectIndex]?.[rejectIndex]).toBe(1);
    expect(change.flat().reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe('rate limits', () => {
  it('limits each client, not everyone, with a coded 429 and Retry-After', async () => {
    const send = (address: string) => post('/v1/feedback', { labels: [{ key: 'rl', label: '1' }] }, {}, address);
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await send('10.9.9.9')).statusCode);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    const limited = await send('10.9.9.9');
    expect(limited.statusCode).toBe(429);
    expect(ErrorBody.parse(limited.json()).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await send('10.8.8.8')).statusCode).toBe(200);
  });
});
