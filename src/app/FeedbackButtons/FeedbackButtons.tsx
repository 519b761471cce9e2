/**
 * "Right" or "Wrong" for an answer; "Wrong" opens a picker of what it was
 * (a digit, or not a digit). Once given, the label shows with whether the
 * server has it yet; both buttons stay, to change it.
 */
import { useState } from 'react';
import type { FeedbackState } from '../../store/db';
import { labelText } from '../format';
import './FeedbackButtons.css';

interface Props {
  /** The answer's label; undefined when there is none to confirm. */
  readonly answered?: string | undefined;
  readonly labels: readonly string[];
  readonly rejectLabel?: string | undefined;
  readonly feedback?: FeedbackState | undefined;
  readonly onGive: (label: string) => void;
  /** What the buttons are about, for screen readers: "this answer", "the drawing of 10:42". */
  readonly about: string;
}

export function FeedbackButtons({ answered, labels, rejectLabel, feedback, onGive, about }: Props) {
  const [picking, setPicking] = useState(false);
  const give = (label: string) => {
    setPicking(false);
    onGive(label);
  };
  const confirmed = feedback !== undefined && feedback.label === answered;
  const corrected = feedback !== undefined && feedback.label !== answered;
  const rejected = answered !== undefined && answered === rejectLabel;
  return (
    <div className="feedback" role="group" aria-label={`Was it right? (${about})`}>
      <p className="feedback-state" data-testid="feedback-state" data-label={feedback?.label ?? ''} data-sent={feedback?.sent ?? false} aria-live="off">
        {feedback ? (
          <>
            <span aria-hidden="true">✓ </span>You said <strong>{labelText(feedback.label, rejectLabel)}</strong>
            <span className="muted"> · {feedback.sent ? 'sent, thank you' : 'waiting to send'}</span>
          </>
        ) : (
          <span className="muted">{picking ? 'What was it?' : 'Is this right?'}</span>
        )}
      </p>
      {!picking && (
        <div className="feedback-buttons">
          {answered !== undefined && (
            <button type="button" className="button small" data-testid="feedback-right" aria-pressed={confirmed} onClick={() => give(answered)}>
              <span aria-hidden="true">✓</span> Right
            </button>
          )}
          <button type="button" className="button small" data-testid="feedback-wrong" aria-pressed={corrected} onClick={() => setPicking(true)}>
            <span aria-hidden="true">✕</span> {rejected ? 'It was a digit' : 'Wrong'}
          </button>
        </div>
      )}
      {picking && (
        <div className="digit-picker" data-testid="feedback-picker">
          {labels.map((label) =>
            label === rejectLabel ? null : (
              <button
                key={label}
                type="button"
                className="button small"
                data-testid={`feedback-digit-${label}`}
                aria-label={`It was ${label}`}
                aria-pressed={feedback?.label === label}
                onClick={() => give(label)}
              >
                {label}
              </button>
            ),
          )}
          {rejectLabel && (
            <button
              type="button"
              className="button small wide"
              data-testid="feedback-not-digit"
              aria-pressed={feedback?.label === rejectLabel}
              onClick={() => give(rejectLabel)}
            >
              Not a digit
            </button>
          )}
          <button type="button" className="button quiet small wide" data-testid="feedback-cancel" onClick={() => setPicking(false)}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
