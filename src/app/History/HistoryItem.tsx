/**
 * One drawing in the history, as a card: its thumbnail, answer, who
 * answered, its label state, and Right / Wrong behind a button (one set of
 * those on screen at a time: the card's, unless the user opens one here).
 */
import { memo, useState } from 'react';
import { isRevision } from '../../core/policy/answer';
import type { HistoryEntry } from '../../store';
import { FeedbackButtons } from '../FeedbackButtons/FeedbackButtons';
import { clockTime, labelText, roundedPercent } from '../format';
import { Thumbnail } from './Thumbnail';

interface Props {
  readonly entry: HistoryEntry;
  readonly labels: readonly string[];
  readonly rejectLabel?: string | undefined;
  readonly onFeedback?: ((entry: HistoryEntry, label: string) => void) | undefined;
}

const SOURCE_TEXT = { edge: 'this device', cloud: 'full model', cache: 'from memory' } as const;

function labelState(entry: HistoryEntry, rejectLabel: string | undefined): string {
  const { feedback } = entry;
  if (!feedback) return 'Not labelled';
  return `Labelled ${labelText(feedback.label, rejectLabel)} · ${feedback.sent ? 'sent' : 'waiting to send'}`;
}

export const HistoryItem = memo(function HistoryItem({ entry, labels, rejectLabel, onFeedback }: Props) {
  const { answer } = entry;
  const waiting = answer.status === 'queued' || answer.status === 'fallback';
  const when = clockTime(answer.at);
  const [labelling, setLabelling] = useState(false);
  return (
    <li
      className="history-item"
      data-testid="history-item"
      data-source={answer.source}
      data-origin={answer.origin}
      data-status={answer.status}
      data-feedback={entry.feedback?.label ?? ''}
    >
      <Thumbnail pixels={entry.thumbnail} />
      <div className="history-main">
        <p className="history-answer">
          <strong className="history-label">{answer.verdict ? labelText(answer.verdict.label, rejectLabel) : '…'}</strong>
          {answer.verdict && <span className="muted small"> {roundedPercent(answer.verdict.confidence)}</span>}
        </p>
        {isRevision(answer) && (
          <p className="history-revision small">revised; this device read {answer.edge ? labelText(answer.edge.label, rejectLabel) : ''}</p>
        )}
        <p className="muted small">
          {SOURCE_TEXT[answer.source]}
          {answer.source === 'cache' ? ` (${answer.origin === 'cloud' ? 'full model' : 'this device'})` : ''}
          {waiting ? ' · waiting for the full model' : ''} · {when}
        </p>
        <p className="small label-state" data-testid="history-label-state" data-labelled={entry.feedback !== undefined}>
          {labelState(entry, rejectLabel)}
        </p>
      </div>
      {onFeedback && (
        <div className="history-feedback">
          <button
            type="button"
            className="button small"
            data-testid="history-feedback-toggle"
            aria-expanded={labelling}
            onClick={() => setLabelling((open) => !open)}
          >
            {labelling ? 'Done' : entry.feedback ? 'Change the label' : 'Right or wrong?'}
          </button>
          {labelling && (
            <FeedbackButtons
              answered={answer.verdict?.label}
              labels={labels}
              rejectLabel={rejectLabel}
              feedback={entry.feedback}
              onGive={(label) => onFeedback(entry, label)}
              about={`the drawing of ${when}`}
            />
          )}
        </div>
      )}
    </li>
  );
});
