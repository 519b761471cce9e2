/**
 * Answers: a verdict from probabilities, the cloud's verdict replacing the
 * edge's, and when a cached answer may stand in for the models.
 */
import { describe, expect, it } from 'vitest';
import { cacheAnswers, isRevision, verdictFrom, withCloudVerdict, type Answer } from './answer';

const labels = ['0', '1', '2'];
const edgeVerdict = verdictFrom([0.2, 0.7, 0.1], labels, 'small@1');
const base: Answer = {
  key: 'k1',
  drawingId: 'd1',
  cacheKey: 'small@1:00',
  source: 'edge',
  origin: 'edge',
  status: 'queued',
  verdict: edgeVerdict,
  escalated: true,
  latencyMs: 2,
  note: 'offline',
  at: 1,
};

describe('verdictFrom', () => {
  it('names the top label and its probability', () => {
    expect(edgeVerdict).toEqual({ label: '1', confidence: 0.7, probabilities: [0.2, 0.7, 0.1], model: 'small@1' });
  });
});

describe('withCloudVerdict', () => {
  it('makes the cloud the answer, keeps the edge verdict and drops the note', () => {
    const cloud = verdictFrom([0.05, 0.05, 0.9], labels, 'full@1');
    const revised = withCloudVerdict(base, cloud, 40);
    expect(revised).toMatchObject({ source: 'cloud', origin: 'cloud', status: 'final', verdict: cloud, edge: edgeVerdict, latencyMs: 40 });
    expect(revised.note).toBeUndefined();
    expect(isRevision(revised)).toBe(true);
  });

  it('is no revision when the cloud agrees', () => {
    const agrees = withCloudVerdict(base, verdictFrom([0.1, 0.8, 0.1], labels, 'full@1'), 40);
    expect(isRevision(agrees)).toBe(false);
    expect(isRevision(base)).toBe(false);
  });
});

describe('cacheAnswers', () => {
  const final = { ...base, status: 'final' as const, note: undefined };
  const cloud = withCloudVerdict(base, verdictFrom([0, 0, 1], labels, 'full@1'), 1);

  it('always takes a final cloud answer', () => {
    for (const mode of ['prefer_on_device', 'only_on_device', 'prefer_in_cloud', 'only_in_cloud'] as const) {
      expect(cacheAnswers(cloud, mode, 0.9)).toBe(true);
    }
  });

  it('takes an edge answer only where the edge alone would answer', () => {
    expect(cacheAnswers(final, 'only_on_device', 0.9)).toBe(true);
    expect(cacheAnswers(final, 'prefer_on_device', 0.6)).toBe(true);
    // A stricter threshold than when it was cached sends it to the cloud again.
    expect(cacheAnswers(final, 'prefer_on_device', 0.9)).toBe(false);
    expect(cacheAnswers(final, 'prefer_in_cloud', 0.1)).toBe(false);
    expect(cacheAnswers(final, 'only_in_cloud', 0.1)).toBe(false);
  });

  it('takes an answer still queued for the cloud, whose request waits in the outbox', () => {
    expect(cacheAnswers(base, 'prefer_on_device', 0.9)).toBe(true);
    expect(cacheAnswers({ ...base, verdict: undefined }, 'only_in_cloud', 0.9)).toBe(true);
    expect(cacheAnswers({ ...base, verdict: undefined }, 'only_on_device', 0.9)).toBe(false);
  });
});
