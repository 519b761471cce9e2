/**
 * Verdicts and answers: what each phase said about a drawing, what the app
 * shows and keeps, and when a cached answer may be reused.
 */
import { argmax } from '../math/probabilities';
import type { AnswerSource, InferenceMode } from './two-phase';

/** One model's reading of one input. */
export interface Verdict {
  readonly label: string;
  readonly confidence: number;
  readonly probabilities: readonly number[];
  /** The model that produced it, as name@version. */
  readonly model: string;
}

/**
 * Where an answer stands: final; shown from the edge while the cloud is asked;
 * queued for the cloud (offline); or kept from the edge after the cloud failed
 * (and queued as well).
 */
export type AnswerStatus = 'final' | 'asking-cloud' | 'queued' | 'fallback';

/** What the app shows and stores for one settled drawing. */
export interface Answer {
  /** The request's key; a cloud call and its replays carry it. */
  readonly key: string;
  readonly drawingId: string;
  readonly cacheKey: string;
  /** Which phase answered this time: `cache` when the cache did. */
  readonly source: AnswerSource;
  /** Which phase produced the verdict shown, even when it came from the cache. */
  readonly origin: 'edge' | 'cloud';
  readonly status: AnswerStatus;
  /** Absent only while the cloud alone must answer and has not yet. */
  readonly verdict?: Verdict;
  /** The small model's verdict, kept when the cloud answered after it. */
  readonly edge?: Verdict;
  /** True when the small model's gate fired. */
  readonly escalated: boolean;
  readonly latencyMs: number;
  /** Why the answer is not final, in words for the user. */
  readonly note?: string;
  readonly at: number;
}

export function verdictFrom(probabilities: ArrayLike<number>, labels: readonly string[], model: string): Verdict {
  const index = argmax(probabilities);
  return { label: labels[index] ?? String(index), confidence: probabilities[index] ?? 0, probabilities: Array.from(probabilities), model };
}

/** True when the cloud's answer differs from what the edge said first. */
export function isRevision(answer: Answer): boolean {
  return answer.origin === 'cloud' && answer.edge !== undefined && answer.verdict !== undefined && answer.edge.label !== answer.verdict.label;
}

/** The cloud answered: its verdict replaces the edge's, which is kept alongside. */
export function withCloudVerdict(answer: Answer, cloud: Verdict, latencyMs: number): Answer {
  const { note, ...rest } = answer;
  return { ...rest, source: 'cloud', origin: 'cloud', status: 'final', verdict: cloud, edge: answer.edge ?? answer.verdict, latencyMs };
}

/**
 * Whether a cached answer may stand in for running the models again under the
 * current mode and threshold: cloud answers always; an edge answer only where
 * the edge alone would do; an answer still queued for the cloud, since the
 * outbox already holds its request.
 */
export function cacheAnswers(cached: Answer, mode: InferenceMode, threshold: number): boolean {
  if (cached.origin === 'cloud' && cached.status === 'final') return true;
  if (cached.status === 'queued' || cached.status === 'fallback') return mode !== 'only_on_device' || cached.verdict !== undefined;
  switch (mode) {
    case 'only_on_device':
      return cached.verdict !== undefined;
    case 'prefer_on_device':
      return cached.verdict !== undefined && cached.verdict.confidence >= threshold;
    case 'prefer_in_cloud':
    case 'only_in_cloud':
      return false;
  }
}
