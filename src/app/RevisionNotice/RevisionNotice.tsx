/** A notice that the full model revised a drawing's answer: on the card's drawing, or on one answered after reconnecting. */
import { type Answer } from '../../core/policy/answer';
import type { HistoryEntry } from '../../store';
import { clockTime, labelText } from '../format';
import { Thumbnail } from '../History/Thumbnail';
import './RevisionNotice.css';

interface Props {
  readonly revision?: Answer | undefined;
  readonly history: readonly HistoryEntry[];
  readonly rejectLabel?: string | undefined;
  readonly onDismiss: () => void;
}

export function RevisionNotice({ revision, history, rejectLabel, onDismiss }: Props) {
  if (!revision?.verdict) return null;
  const say = (label: string) => labelText(label, rejectLabel);
  const thumbnail = history.find((e) => e.drawingId === revision.drawingId)?.thumbnail;
  return (
    <div className="revision-notice" data-testid="revision-notice" data-key={revision.key} data-label={revision.verdict.label}>
      <Thumbnail pixels={thumbnail} />
      <p>
        <strong>The full model revised your drawing</strong>
        <br />
        {revision.edge ? `This device read ${say(revision.edge.label)}; it is ` : 'It is '}
        <strong className="revision-label">{say(revision.verdict.label)}</strong>
        <span className="muted"> (drawn at {clockTime(revision.at)})</span>
      </p>
      <button type="button" className="button small" data-testid="revision-dismiss" onClick={onDismiss}>
        OK
      </button>
    </div>
  );
}
