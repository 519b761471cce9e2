/**
 * The user's labels and the sampled edge records over a real (in-memory)
 * IndexedDB store: which answers are logged, with or without pixels, what a
 * label queues, how the history shows it, and how the uploader empties the
 * queues, keeps what failed and never marks a changed label sent.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../cloud/cloud-client';
import type { EdgeRecord, FeedbackRequest } from '../../core/api/evaluation';
import { keySampled } from '../../core/hash/key-sampling';
import { modelForRole, parseManifest } from '../../core/manifest';
import type { Answer, Verdict } from '../../core/policy/answer';
import { DEFAULT_SETTINGS, type Settings } from '../../core/policy/settings';
import { createInkRaster, quantizeInput } from '../../core/preprocess';
import { answerStore } from '../../store';
import { openAppDb } from '../../store/db';
import { Predictor } from './predictor';
import { Uploader } from './uploader';

const edgeModel = modelForRole(parseManifest(JSON.parse(readFileSync('public/models/manifest.json', 'utf8'))), 'edge');
const classes = edgeModel.labels.length;

/** A drawing: a bar with a serif of length n. */
const bar = (n: number) => {
  const data = new Float32Array(56 * 56);
  for (let y = 10; y < 46; y++) for (let dx = 0; dx < 4; dx++) data[y * 56 + 26 + dx] = 1;
  for (let dx = 1; dx <= n; dx++) data[10 * 56 + 26 - dx] = 1;
  return createInkRaster(56, 56, data);
};

/** The small model's stand-in: label 1 at the given confidence. */
const edgeAt = (confidence: number) => ({
  async run() {
    const logits = new Float32Array(classes).fill(0);
    logits[1] = Math.log(((classes - 1) * confidence) / (1 - confidence));
    return { logits };
  },
});
const cloudVerdict: Verdict = {
  label: '7',
  confidence: 0.97,
  probabilities: Array.from({ length: classes }, (_, i) => (i === 7 ? 0.97 : 0.03 / (classes - 1))),
  model: 'digits-full@1',
};

let dbs = 0;
async function setup(
  over: {
    rate?: number;
    online?: boolean;
    confidence?: number;
    settings?: Partial<Settings>;
    cloud?: () => Promise<Verdict>;
    onAnswer?: (a: Answer) => void;
  } = {},
) {
  const store = answerStore(await openAppDb(`feedback-logs-${dbs++}`));
  const state = { online: over.online ?? true, rate: over.rate ?? 0 };
  let keys = 0;
  const predictor = new Predictor({
    edgeModel,
    edge: () => edgeAt(over.confidence ?? 0.99),
    askCloud: over.cloud ?? (async () => cloudVerdict),
    store,
    settings: () => ({ ...DEFAULT_SETTINGS, ...over.settings }),
    online: () => state.online,
    onAnswer: over.onAnswer ?? (() => undefined),
    newKey: () => `key-${keys++}`,
    logSampleRate: () => state.rate,
  });
  return { predictor, store, state };
}

describe('edge records', () => {
  it('queues a final answer of a sampled key, with the 784 input values when drawings are shared', async () => {
    const { predictor, store } = await setup({ rate: 1 });
    const answer = await predictor.settle(bar(3), 'd1');
    await predictor.flush();
    const [item] = await store.edgeLogs.pending();
    expect(item?.record).toMatchObject({
      key: answer.key,
      model: edgeModel.name,
      version: edgeModel.version,
      source: 'edge',
      label: '1',
      gate_fired: false,
      answered_by: 'edge',
    });
    expect(item?.record.probabilities).toHaveLength(classes);
    expect(item?.record.pixels).toHaveLength(784);
    expect(item?.record.pixels?.some((v) => v > 0.5)).toBe(true);
  });

  it('sends no pixels when the user does not share drawings', async () => {
    const { predictor, store } = await setup({ rate: 1, settings: { shareDrawings: false } });
    await predictor.settle(bar(3), 'd1');
    await predictor.flush();
    const [item] = await store.edgeLogs.pending();
    expect(item?.record.key).toBe('key-0');
    expect(item?.record.pixels).toBeUndefined();
  });

  it('queues nothing for a key outside the sample, and nothing for an answer from the cache', async () => {
    const { predictor, store } = await setup({ rate: 0 });
    await predictor.settle(bar(3), 'd1');
    await predictor.settle(bar(3), 'd2');
    await predictor.flush();
    expect(await store.edgeLogs.count()).toBe(0);
    const sampled = await setup({ rate: 1 });
    await sampled.predictor.settle(bar(3), 'd1');
    await sampled.predictor.settle(bar(3), 'd2');
    await sampled.predictor.flush();
    expect((await sampled.store.edgeLogs.pending()).map((i) => i.key)).toEqual(['key-0']);
  });

  it('samples by the same hash of the key as the server', async () => {
    const { predictor, store } = await setup({ rate: 0.5 });
    const keys: string[] = [];
    for (let n = 1; n <= 12; n++) keys.push((await predictor.settle(bar(n), `d${n}`)).key);
    await predictor.flush();
    const logged = (await store.edgeLogs.pending()).map((i) => i.key).sort();
    expect(logged).toEqual(keys.filter((k) => keySampled(k, 0.5)).sort());
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.length).toBeLessThan(keys.length);
  });

  it("logs a queued answer once the cloud answered its replay, as the user saw it: the edge's label, the gate fired, the cloud answered", async () => {
    const { predictor, store, state } = await setup({ rate: 1, online: false, confidence: 0.5 });
    const answer = await predictor.settle(bar(3), 'd1');
    await predictor.flush();
    expect(answer.status).toBe('queued');
    expect(await store.edgeLogs.count()).toBe(0);
    state.online = true;
    await predictor.replay();
    await predictor.flush();
    const [item] = await store.edgeLogs.pending();
    expect(item?.record).toMatchObject({ key: answer.key, label: '1', gate_fired: true, answered_by: 'cloud' });
  });
});

describe('feedback', () => {
  it('stores the label by key, marks the history, and logs the labelled drawing though its key was not sampled', async () => {
    const { predictor, store } = await setup({ rate: 0 });
    const answer = await predictor.settle(bar(4), 'd1');
    await predictor.flush();
    await predictor.giveFeedback(answer, '4');
    expect(await store.feedback.pending()).toMatchObject([{ key: answer.key, label: '4', sent: false }]);
    expect((await store.history.recent())[0]?.feedback).toMatchObject({ label: '4', sent: false });
    const [item] = await store.edgeLogs.pending();
    expect(item?.record).toMatchObject({ key: answer.key, label: '1', answered_by: 'edge' });
    // Rebuilt from the history's bytes: exactly the input as bytes.
    const thumbnail = (await store.history.recent())[0]?.thumbnail;
    expect(thumbnail).toHaveLength(784);
    expect(quantizeInput(item?.record.pixels ?? [])).toEqual(thumbnail);
  });

  it('takes the reject label as ground truth, refuses a label the model does not have, and a changed mind replaces the label', async () => {
    const { predictor, store } = await setup();
    const answer = await predictor.settle(bar(4), 'd1');
    await predictor.giveFeedback(answer, edgeModel.reject_label ?? '');
    await expect(predictor.giveFeedback(answer, 'eleven')).rejects.toThrow(/not a label/);
    await predictor.giveFeedback(answer, '7');
    expect((await store.feedback.pending()).map((i) => [i.key, i.label])).toEqual([[answer.key, '7']]);
  });

  it('a label given before a queued answer is final is logged with it when the cloud answers', async () => {
    const { predictor, store, state } = await setup({ rate: 0, online: false, confidence: 0.5 });
    const answer = await predictor.settle(bar(5), 'd1');
    await predictor.giveFeedback(answer, '7');
    expect(await store.edgeLogs.count()).toBe(0);
    state.online = true;
    await predictor.replay();
    await predictor.flush();
    expect((await store.edgeLogs.pending())[0]?.record).toMatchObject({ key: answer.key, answered_by: 'cloud' });
  });
});

describe('a labelled drawing is always logged', () => {
  it('when labelled while the full model was being asked: its record goes once the cloud answered', async () => {
    let release: (v: Verdict) => void = () => undefined;
    const shown: Answer[] = [];
    const { predictor, store } = await setup({ confidence: 0.5, cloud: () => new Promise((resolve) => (release = resolve)), onAnswer: (a) => shown.push(a) });
    const settled = predictor.settle(bar(8), 'd1');
    await expect.poll(() => shown.length).toBe(1);
    expect(shown[0]?.status).toBe('asking-cloud');
    await predictor.giveFeedback(shown[0] as Answer, '7');
    release(cloudVerdict);
    const answer = await settled;
    await predictor.flush();
    expect((await store.edgeLogs.pending()).map((i) => [i.key, i.record.answered_by])).toEqual([[answer.key, 'cloud']]);
    expect((await store.history.recent())[0]?.feedback).toMatchObject({ label: '7', sent: false });
  });

  it('once: a sampled record already sent is not sent again for its label', async () => {
    const { predictor, store } = await setup({ rate: 1 });
    const answer = await predictor.settle(bar(10), 'd1');
    await predictor.flush();
    await store.edgeLogs.remove([answer.key]);
    await predictor.giveFeedback(answer, '1');
    expect(await store.edgeLogs.count()).toBe(0);
    expect((await store.history.recent())[0]).toMatchObject({ logged: true, feedback: { label: '1' } });
  });

  it('when the rate rose after the answer: the label queues the record the answer did not', async () => {
    const { predictor, store, state } = await setup({ rate: 0 });
    const answer = await predictor.settle(bar(9), 'd1');
    await predictor.flush();
    state.rate = 1;
    await predictor.giveFeedback(answer, '1');
    expect((await store.edgeLogs.pending()).map((i) => i.key)).toEqual([answer.key]);
  });
});

describe('Uploader', () => {
  async function withQueued() {
    const { predictor, store } = await setup({ rate: 1 });
    const a = await predictor.settle(bar(6), 'd1');
    const b = await predictor.settle(bar(7), 'd2');
    await predictor.giveFeedback(a, '1');
    await predictor.giveFeedback(b, '7');
    await predictor.flush();
    return { predictor, store, keys: [a.key, b.key] };
  }

  it('sends the records, then the labels; marks the labels sent in the history; empties the queues', async () => {
    const { store, keys } = await withQueued();
    const sent: { records: EdgeRecord[]; labels: FeedbackRequest['labels'] } = { records: [], labels: [] };
    const uploader = new Uploader({
      store,
      sendEdgeLogs: async (records) => (sent.records.push(...records), { accepted: records.length, duplicates: 0, rejected: [] }),
      sendFeedback: async (labels) => (sent.labels.push(...labels), { accepted: labels.length, pending: 0 }),
    });
    expect(await uploader.send()).toEqual({ labels: 2, records: 2 });
    expect(sent.records.map((r) => r.key).sort()).toEqual([...keys].sort());
    expect(sent.labels.map((l) => [l.key, l.label])).toEqual([
      [keys[0], '1'],
      [keys[1], '7'],
    ]);
    expect(await store.edgeLogs.count()).toBe(0);
    expect(await store.feedback.countPending()).toBe(0);
    expect((await store.history.recent()).map((e) => e.feedback?.sent)).toEqual([true, true]);
  });

  it('keeps everything when the server cannot be reached, counting the attempt', async () => {
    const { store } = await withQueued();
    const down = async () => {
      throw new CloudError('server unreachable: network error', true);
    };
    const result = await new Uploader({ store, sendEdgeLogs: down, sendFeedback: down }).send();
    expect(result.error).toMatch(/unreachable/);
    expect((await store.edgeLogs.pending()).map((i) => i.attempts)).toEqual([1, 1]);
    expect(await store.feedback.countPending()).toBe(2);
  });

  it('forgets labels the server refuses for good, so none shows as given', async () => {
    const { store } = await withQueued();
    const refused = async () => {
      throw new CloudError('server answered 400: labels[0].label: "x" is not a label (INVALID_REQUEST)', false);
    };
    await new Uploader({ store, sendEdgeLogs: async (r) => ({ accepted: r.length, duplicates: 0, rejected: [] }), sendFeedback: refused }).send();
    expect(await store.feedback.countPending()).toBe(0);
    expect((await store.history.recent()).map((e) => e.feedback)).toEqual([undefined, undefined]);
  });

  it('passes over the queues again when something is queued while it sends', async () => {
    const { predictor, store } = await withQueued();
    let calls = 0;
    const late = await predictor.settle(bar(12), 'd9');
    const uploader: Uploader = new Uploader({
      store,
      sendEdgeLogs: async (r) => ({ accepted: r.length, duplicates: 0, rejected: [] }),
      sendFeedback: async (labels) => {
        if (calls++ === 0) {
          await predictor.giveFeedback(late, '3');
          void uploader.send();
        }
        return { accepted: labels.length, pending: 0 };
      },
    });
    const result = await uploader.send();
    expect(calls).toBe(2);
    expect(result.labels).toBe(3);
    expect(await store.feedback.countPending()).toBe(0);
  });

  it('does not mark a label sent when the user changed it while it was on its way', async () => {
    const { predictor, store, keys } = await withQueued();
    const uploader = new Uploader({
      store,
      sendEdgeLogs: async (records) => ({ accepted: records.length, duplicates: 0, rejected: [] }),
      sendFeedback: async (labels) => {
        const history = await store.history.recent();
        const entry = history.find((e) => e.answer.key === keys[1]);
        if (entry) await predictor.giveFeedback(entry.answer, '9');
        return { accepted: labels.length, pending: 0 };
      },
    });
    await uploader.send();
    expect((await store.feedback.pending()).map((i) => [i.key, i.label])).toEqual([[keys[1], '9']]);
  });
});
