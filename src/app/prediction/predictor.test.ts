/**
 * The predictor with a stand-in edge model and cloud over a real store: the
 * gate, the cache, the outbox and its replays, cloud failures, the modes and
 * the threshold override.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../cloud/cloud-client';
import { modelForRole, parseManifest } from '../../core/manifest';
import type { Answer, Verdict } from '../../core/policy/answer';
import { DEFAULT_SETTINGS, type Settings } from '../../core/policy/settings';
import { createInkRaster } from '../../core/preprocess';
import { answerStore } from '../../store';
import { openAppDb } from '../../store/db';
import { Predictor } from './predictor';

const manifest = parseManifest(JSON.parse(readFileSync('public/models/manifest.json', 'utf8')));
const edgeModel = modelForRole(manifest, 'edge');

/** A drawing: a vertical bar with a serif of length n, so different n give different inputs. */
const bar = (n: number) => {
  const data = new Float32Array(56 * 56);
  for (let y = 10; y < 46; y++) for (let dx = 0; dx < 4; dx++) data[y * 56 + 26 + dx] = 1;
  for (let dx = 1; dx <= n; dx++) data[10 * 56 + 26 - dx] = 1;
  return createInkRaster(56, 56, data);
};

/** The small model's stand-in: its confidence is set per test, its label is always 1. */
let edgeConfidence = 0.99;
const edge = {
  runs: 0,
  async run() {
    this.runs++;
    const logits = new Float32Array(10).fill(0);
    logits[1] = Math.log((9 * edgeConfidence) / (1 - edgeConfidence));
    return { logits };
  },
};

const cloudVerdict: Verdict = { label: '7', confidence: 0.97, probabilities: [0, 0, 0, 0, 0, 0, 0, 0.97, 0.03, 0], model: 'digits-full@1' };

let db = 0;
async function setup(over: { online?: boolean; settings?: Partial<Settings>; cloud?: (key: string) => Promise<Verdict> } = {}) {
  const database = await openAppDb(`predictor-${db++}`);
  const store = answerStore(database);
  const state = { online: over.online ?? true, cloudCalls: [] as string[], answers: [] as Answer[] };
  let keys = 0;
  const predictor = new Predictor({
    edgeModel,
    edge: () => edge,
    askCloud: async (_input, key) => {
      state.cloudCalls.push(key);
      return over.cloud ? over.cloud(key) : cloudVerdict;
    },
    store,
    settings: () => ({ ...DEFAULT_SETTINGS, ...over.settings }),
    online: () => state.online,
    onAnswer: (a) => state.answers.push(a),
    newKey: () => `key-${keys++}`,
  });
  return { predictor, store, state };
}

beforeEach(() => {
  edgeConfidence = 0.99;
  edge.runs = 0;
});

describe('Predictor.settle', () => {
  it('keeps a confident edge answer, caches and records it, and a repeat comes from the cache', async () => {
    const { predictor, store, state } = await setup();
    const first = await predictor.settle(bar(20), 'd1');
    expect(first).toMatchObject({ source: 'edge', origin: 'edge', status: 'final', escalated: false, verdict: { label: '1' } });
    expect(first.verdict?.confidence).toBeCloseTo(0.99, 5);
    expect(state.cloudCalls).toEqual([]);
    const again = await predictor.settle(bar(20), 'd2');
    expect(again).toMatchObject({ source: 'cache', origin: 'edge', key: first.key, drawingId: 'd2' });
    expect(edge.runs).toBe(1);
    expect((await store.history.recent()).map((e) => e.answer.source)).toEqual(['cache', 'edge']);
  });

  it('asks the cloud when the gate fires online, showing the edge answer first', async () => {
    edgeConfidence = 0.5;
    const { predictor, state } = await setup();
    const answer = await predictor.settle(bar(20), 'd1');
    expect(state.cloudCalls).toEqual([answer.key]);
    expect(answer).toMatchObject({ source: 'cloud', escalated: true, verdict: { label: '7' }, edge: { label: '1' } });
    expect(state.answers.map((a) => `${a.source}/${a.status}`)).toEqual(['edge/asking-cloud', 'cloud/final']);
  });

  it('queues when the gate fires offline, and a replay revises cache and history with the same key', async () => {
    edgeConfidence = 0.5;
    const { predictor, store, state } = await setup({ online: false });
    const queued = await predictor.settle(bar(20), 'd1');
    expect(queued).toMatchObject({ source: 'edge', status: 'queued', verdict: { label: '1' } });
    expect(state.cloudCalls).toEqual([]);
    expect(await store.outbox.count()).toBe(1);
    // The same drawing again while offline: the cache answers, nothing more is queued.
    expect((await predictor.settle(bar(20), 'd2')).source).toBe('cache');
    expect(await store.outbox.count()).toBe(1);

    state.online = true;
    expect(await predictor.replay()).toEqual({ answered: 1, left: 0 });
    expect(state.cloudCalls).toEqual([queued.key]);
    expect(await store.outbox.count()).toBe(0);
    const history = await store.history.recent();
    expect(history.map((e) => [e.drawingId, e.answer.origin, e.answer.verdict?.label, e.answer.edge?.label])).toEqual([
      ['d2', 'cloud', '7', '1'],
      ['d1', 'cloud', '7', '1'],
    ]);
    expect((await predictor.settle(bar(20), 'd3')).verdict?.label).toBe('7');
  });

  it('falls back to the edge answer when the cloud fails, and keeps the request until it is answered', async () => {
    edgeConfidence = 0.5;
    let cloudUp = false;
    const { predictor, store } = await setup({
      cloud: async () => {
        if (!cloudUp) throw new CloudError('cloud unreachable: network error', true);
        return cloudVerdict;
      },
    });
    const fallback = await predictor.settle(bar(20), 'd1');
    expect(fallback).toMatchObject({ source: 'edge', status: 'fallback', verdict: { label: '1' } });
    expect(fallback.note).toContain('cloud unreachable: network error');
    expect(await predictor.replay()).toMatchObject({ answered: 0, left: 1, error: 'cloud unreachable: network error' });
    expect((await store.outbox.pending())[0]?.attempts).toBe(1);
    cloudUp = true;
    expect(await predictor.replay()).toEqual({ answered: 1, left: 0 });
  });

  it('lets a refused request wait without holding up the others', async () => {
    edgeConfidence = 0.5;
    const { predictor, store, state } = await setup({
      online: false,
      cloud: async (key) => {
        if (key === 'key-0') throw new CloudError('cloud answered 400: bad pixels', false);
        return cloudVerdict;
      },
    });
    await predictor.settle(bar(10), 'd1');
    await predictor.settle(bar(30), 'd2');
    state.online = true;
    expect(await predictor.replay()).toEqual({ answered: 1, left: 1 });
    expect((await store.outbox.pending()).map((i) => i.key)).toEqual(['key-0']);
  });

  it('follows the modes', async () => {
    edgeConfidence = 0.5;
    const onDevice = await setup({ settings: { mode: 'only_on_device' } });
    expect(await onDevice.predictor.settle(bar(20), 'd1')).toMatchObject({ source: 'edge', status: 'final', escalated: true });
    expect(onDevice.state.cloudCalls).toEqual([]);

    edgeConfidence = 0.99;
    const inCloud = await setup({ settings: { mode: 'prefer_in_cloud' } });
    expect((await inCloud.predictor.settle(bar(20), 'd1')).source).toBe('cloud');

    const runsBefore = edge.runs;
    const cloudOnly = await setup({ settings: { mode: 'only_in_cloud' }, online: false });
    const waiting = await cloudOnly.predictor.settle(bar(20), 'd1');
    expect(waiting).toMatchObject({ status: 'queued' });
    expect(waiting.verdict).toBeUndefined();
    expect(edge.runs).toBe(runsBefore);
  });

  it('uses the threshold override from the settings', async () => {
    edgeConfidence = 0.95;
    const strict = await setup({ settings: { thresholdOverride: 0.99 } });
    expect((await strict.predictor.settle(bar(20), 'd1')).source).toBe('cloud');
    const lax = await setup({ settings: { thresholdOverride: 0.5 } });
    expect((await lax.predictor.settle(bar(20), 'd1')).source).toBe('edge');
  });
});
