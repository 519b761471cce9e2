import { describe, expect, it } from 'vitest';
import type { Answer } from '../../core/policy/answer';
import { sayAnswer } from './use-announcement';

const labels = ['0', '1', '2', '7', 'not-a-digit'];
const context = { labels, rejectLabel: 'not-a-digit', threshold: 0.72 };
const verdict = (probabilities: number[]) => {
  const top = probabilities.indexOf(Math.max(...probabilities));
  return { label: labels[top] ?? '', confidence: probabilities[top] ?? 0, probabilities, model: 'm@1' };
};
const answer = (probabilities: number[], extra: Partial<Answer> = {}): Answer => ({
  key: 'k',
  drawingId: 'd',
  cacheKey: 'c',
  source: 'edge',
  origin: 'edge',
  status: 'final',
  verdict: verdict(probabilities),
  escalated: false,
  latencyMs: 1,
  at: 0,
  ...extra,
});

describe('what the live region says for an answer', () => {
  it('says a sure answer plainly, a less sure one with its runner-up', () => {
    expect(sayAnswer(answer([0, 0, 0, 0.98, 0.02]), context)).toBe('7.');
    expect(sayAnswer(answer([0, 0.2, 0, 0.8, 0]), context)).toBe('Probably 7, or maybe 1.');
    expect(sayAnswer(answer([0, 0.3, 0.1, 0.6, 0]), context)).toBe('Not sure: 7, or maybe 1.');
    expect(sayAnswer(answer([0, 0, 0, 0.01, 0.99]), context)).toBe('Not a digit.');
  });

  it('says a revision, and a wait for the full model', () => {
    const edge = verdict([0, 0, 0.4, 0.6, 0]);
    expect(sayAnswer(answer([0, 0, 0.96, 0.04, 0], { origin: 'cloud', source: 'cloud', edge }), context)).toBe('Revised by the full model: 2.');
    expect(sayAnswer(answer([0, 0, 0.1, 0.8, 0.1], { status: 'queued' }), context)).toBe('Probably 7, or maybe 2. The full model will check it later.');
  });
});
