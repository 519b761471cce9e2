/**
 * Malformed requests to the evaluation routes, made the way the serving
 * routes' fuzz cases are (test/server/fuzz-cases.ts): every field of a valid
 * feedback body and of a one-record edge log replaced by wrong values or
 * removed, and values hostile to quote.
 */
import { fieldCases, fieldName, hostileCases, type FuzzCase, type Json, type Path } from './fuzz-cases';

const FEEDBACK = '/v1/feedback';
const LOGS = '/v1/logs/predictions';

export function evaluationFuzzCases(pixels: number[]): FuzzCase[] {
  const feedback: Json = { labels: [{ key: 'k1', label: '3', time: '2026-11-01T10:00:00Z' }] };
  const record = {
    key: 'e1',
    model: 'digits-small',
    version: '1',
    source: 'edge',
    time: '2026-11-01T10:00:00Z',
    label: '3',
    probabilities: [0.01, 0.01, 0.01, 0.91, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01],
    pixels,
    gate_fired: false,
    answered_by: 'edge',
  };
  const logs: Json = { records: [record] };
  const feedbackMention = (path: Path) =>
    new RegExp(
      path.length === 1
        ? 'labels'
        : fieldName(path.slice(0, 3))
            .replace(/\\\[(\d+)\\\]/g, '(\\[$1\\]|/$1|\\.$1)')
            .replace(/\\\./g, '[./]'),
    );
  // One record: when it is refused, the whole body is, naming the record.
  const logsMention = (path: Path) => (path.length <= 2 ? /records/ : new RegExp(`records\\[0\\]: ${String(path[2])}|records\\[0\\]: record`));
  const recordFields: Path[] = ['key', 'model', 'version', 'source', 'time', 'label', 'probabilities', 'gate_fired', 'answered_by'].map((f) => [
    'records',
    0,
    f,
  ]);
  return [
    ...fieldCases(FEEDBACK, feedback, [['labels'], ['labels', 0], ['labels', 0, 'key'], ['labels', 0, 'label'], ['labels', 0, 'time']], feedbackMention).filter(
      (c) => !c.name.endsWith('without labels.0.time'),
    ),
    ...hostileCases(
      FEEDBACK,
      feedback,
      [
        ['labels', 0, 'key'],
        ['labels', 0, 'label'],
        ['labels', 0, 'time'],
      ],
      feedbackMention,
    ),
    // gate_fired = true is a valid flag.
    ...fieldCases(LOGS, logs, [['records'], ['records', 0], ...recordFields, ['records', 0, 'pixels', 3]], logsMention).filter(
      (c) => !c.name.endsWith('gate_fired = true'),
    ),
    ...hostileCases(
      LOGS,
      logs,
      [
        ['records', 0, 'key'],
        ['records', 0, 'label'],
        ['records', 0, 'model'],
        ['records', 0, 'probabilities', 0],
      ],
      logsMention,
    ),
  ];
}
