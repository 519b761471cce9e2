/**
 * The edge's side of continued evaluation: which answers the app logs (a
 * share of keys by the server's hashing rule, and every labelled one), the
 * record it sends for one, and the thumbnail bytes kept with a drawing.
 */
import type { EdgeRecord } from '../../core/api/evaluation';
import { keySampled } from '../../core/hash/key-sampling';
import type { ModelEntry } from '../../core/manifest';
import type { Answer, Verdict } from '../../core/policy/answer';

/** The small model's verdict in an answer: the one shown, or the one the cloud revised. Undefined when the edge did not run. */
export function edgeVerdictOf(answer: Answer): Verdict | undefined {
  return answer.edge ?? (answer.origin === 'edge' ? answer.verdict : undefined);
}

/** Whether a drawing's edge record goes to the log: sampled by its key, or labelled by the user. */
export function logsEdgeRecord(key: string, sampleRate: number, labelled: boolean): boolean {
  return labelled || keySampled(key, sampleRate);
}

/** The model input as bytes, 0 (no ink) to 255: a thumbnail, and the pixels sent when a record is rebuilt from history. */
export function inputBytes(input: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(input, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

export const bytesToInput = (bytes: Uint8Array): number[] => Array.from(bytes, (b) => b / 255);

/**
 * The record of a settled answer as the user saw it: the small model's label
 * and probabilities, whether its gate fired, and which phase gave the answer
 * shown. `pixels` only when the user shares drawings.
 */
export function edgeRecordOf(answer: Answer, model: ModelEntry, pixels: readonly number[] | undefined): EdgeRecord | undefined {
  const edge = edgeVerdictOf(answer);
  if (!edge) return undefined;
  return {
    key: answer.key,
    model: model.name,
    version: model.version,
    source: 'edge',
    time: new Date(answer.at).toISOString(),
    label: edge.label,
    probabilities: edge.probabilities.map((p) => Math.min(1, Math.max(0, p))),
    ...(pixels ? { pixels: [...pixels] } : {}),
    gate_fired: answer.escalated,
    answered_by: answer.origin,
  };
}
