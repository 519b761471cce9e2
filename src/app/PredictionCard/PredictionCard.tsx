/** The prediction card: label, confidence, which phase gave it and how fast, and the cloud's revision when there was one. */
import { isRevision, type Answer, type Verdict } from '../../core/policy/answer';
import { labelText, milliseconds, percent } from '../format';
import { ProbabilityBars } from './ProbabilityBars';

interface Props {
  readonly labels: readonly string[];
  /** The label that means "not a digit", when the pack has one. */
  readonly rejectLabel?: string | undefined;
  /** The settled answer for the current drawing. */
  readonly answer?: Answer;
  /** The small model's reading while a stroke is under way. */
  readonly preview?: Verdict;
}

const STATUS_TEXT: Readonly<Record<Answer['status'], string>> = {
  final: '',
  'asking-cloud': 'asking the full model…',
  queued: 'queued for the full model',
  fallback: 'the full model could not be reached',
};

export function PredictionCard({ labels, rejectLabel, answer, preview }: Props) {
  const verdict = preview ?? answer?.verdict;
  const say = (label: string) => labelText(label, rejectLabel);
  const source = preview ? 'edge' : answer?.source;
  if (!verdict) {
    return (
      <section className="prediction-card empty" aria-live="polite">
        <p data-testid="prediction-label" className="label">
          {answer?.status === 'queued' ? '…' : ''}
        </p>
        <p>{answer?.note ?? 'Draw a digit: the answer appears as you draw.'}</p>
      </section>
    );
  }
  return (
    <section className="prediction-card" aria-live="polite" aria-label="Prediction">
      <div className="headline">
        <p className={verdict.label === rejectLabel ? 'label rejected' : 'label'} data-testid="prediction-label" data-label={verdict.label}>
          {say(verdict.label)}
        </p>
        <dl className="facts">
          <dt>confidence</dt>
          <dd data-testid="prediction-confidence">{percent(verdict.confidence)}</dd>
          <dt>answered by</dt>
          <dd data-testid="prediction-source">{source}</dd>
          {answer && !preview && (
            <>
              <dt>latency</dt>
              <dd data-testid="prediction-latency">{milliseconds(answer.latencyMs)}</dd>
            </>
          )}
        </dl>
      </div>
      {preview && <p className="status">drawing…</p>}
      {answer && !preview && answer.status !== 'final' && (
        <p className="status" data-testid="prediction-status" data-status={answer.status}>
          {STATUS_TEXT[answer.status]}
          {answer.note ? ` (${answer.note})` : ''}
        </p>
      )}
      {answer && !preview && answer.origin === 'cloud' && answer.edge && (
        <p className="revision" data-testid="prediction-revision" data-revised={isRevision(answer)}>
          {isRevision(answer)
            ? `On this device: ${say(answer.edge.label)} (${percent(answer.edge.confidence)}); the full model revised it to ${say(verdict.label)}.`
            : `On this device: ${say(answer.edge.label)} (${percent(answer.edge.confidence)}); the full model agrees.`}
        </p>
      )}
      <ProbabilityBars labels={labels} rejectLabel={rejectLabel} probabilities={verdict.probabilities} />
    </section>
  );
}
