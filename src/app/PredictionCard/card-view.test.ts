import { describe, expect, it } from 'vitest';
import type { Answer, Verdict } from '../../core/policy/answer';
import { cardView } from './card-view';

const verdict = (label: string): Verdict => ({ label, confidence: 0.9, probabilities: [0.9, 0.1], model: 'm@1' });
const answer = (status: Answer['status'], at: number, label = '7'): Answer => ({
  key: 'k',
  drawingId: 'd',
  cacheKey: 'c',
  source: 'edge',
  origin: 'edge',
  status,
  verdict: verdict(label),
  escalated: status !== 'final',
  latencyMs: 2,
  at,
});

describe('the card view', () => {
  it('is empty for a new drawing', () => {
    expect(cardView(undefined, undefined, 0)).toEqual({ phase: 'empty' });
  });

  it('reads while the drawing changes: the preview, else the last answer', () => {
    expect(cardView(undefined, verdict('1'), 100)).toEqual({ phase: 'reading', verdict: verdict('1') });
    expect(cardView(answer('final', 50), undefined, 100)).toEqual({ phase: 'reading', verdict: verdict('7') });
    expect(cardView(answer('final', 50), verdict('1'), 100).verdict?.label).toBe('1');
    // Keyboard strokes have no preview: the drawing changed, nothing answered yet.
    expect(cardView(undefined, undefined, 100)).toEqual({ phase: 'reading', verdict: undefined });
  });

  it('shows the device guess while the full model is asked, even with a stale preview', () => {
    expect(cardView(answer('asking-cloud', 120), verdict('1'), 100)).toMatchObject({ phase: 'checking', verdict: verdict('7') });
  });

  it('settles, or waits for the full model', () => {
    expect(cardView(answer('final', 120), undefined, 100).phase).toBe('settled');
    expect(cardView(answer('queued', 120), undefined, 100).phase).toBe('waiting');
    expect(cardView(answer('fallback', 120), undefined, 100).phase).toBe('waiting');
    expect(cardView(answer('final', 120), undefined, 0).phase).toBe('settled');
  });
});
