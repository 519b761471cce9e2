/** The answer itself: how sure, the label in type sized by that, and the runner-up when it is close. */
import type { Verdict } from '../../core/policy/answer';
import { labelText, roundedPercent } from '../format';
import { confidenceLevel, LEVEL_TEXT, runnerUp } from './confidence';

interface Props {
  readonly verdict?: Verdict | undefined;
  readonly labels: readonly string[];
  readonly rejectLabel?: string | undefined;
  readonly threshold: number;
  /** Nothing on the card yet: an empty headline keeps its place. */
  readonly placeholder?: string;
}

export function AnswerHeadline({ verdict, labels, rejectLabel, threshold, placeholder = '' }: Props) {
  if (!verdict) {
    return (
      <div className="headline" data-level="none">
        <p className="level-badge" aria-hidden="true" />
        <p className="label" data-testid="prediction-label">
          {placeholder}
        </p>
        <p className="runner-up" />
      </div>
    );
  }
  const level = confidenceLevel(verdict.confidence, threshold);
  const second = runnerUp(verdict, labels, threshold);
  const rejected = verdict.label === rejectLabel;
  return (
    <div className="headline" data-level={level}>
      <p className={`level-badge ${level}`} data-testid="prediction-level" data-level={level}>
        {LEVEL_TEXT[level]} · <span data-testid="prediction-confidence">{roundedPercent(verdict.confidence)}</span>
      </p>
      <p className={rejected ? 'label rejected' : 'label'} data-testid="prediction-label" data-label={verdict.label}>
        {labelText(verdict.label, rejectLabel)}
      </p>
      <p className="runner-up" data-testid={second ? 'prediction-runner-up' : undefined}>
        {second && (
          <>
            or maybe <strong>{labelText(second.label, rejectLabel)}</strong> ({roundedPercent(second.probability)})
          </>
        )}
      </p>
    </div>
  );
}
