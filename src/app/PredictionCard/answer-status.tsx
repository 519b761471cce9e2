/**
 * The card's two status lines: who answered and how long the user waited
 * (or what is under way), and a note on what follows: the wait for the full
 * model, or what the small model had said before it.
 */
import type { ReactNode } from 'react';
import { isRevision, type Answer } from '../../core/policy/answer';
import { clockTime, duration, labelText, roundedPercent } from '../format';
import type { CardView } from './card-view';

interface Props {
  readonly view: CardView;
  readonly rejectLabel?: string | undefined;
  /** The full model's answer came when the app was back online, long after the drawing. */
  readonly late: boolean;
}

function sourceText(answer: Answer): string {
  if (answer.source === 'edge') return 'Read on this device';
  if (answer.source === 'cloud') return 'Checked by the full model';
  return answer.origin === 'cloud' ? "Drawn before: the full model's answer, from memory" : 'Drawn before: answered from memory';
}

/** The two lines' content; the card places them above and below the answer. */
export function answerStatus({ view, rejectLabel, late }: Props): { readonly meta: ReactNode; readonly note: ReactNode } {
  const { phase, answer } = view;
  const say = (label: string) => labelText(label, rejectLabel);
  const meta =
    phase === 'empty' ? (
      <span className="muted">Nothing drawn yet</span>
    ) : phase === 'reading' || !answer ? (
      <span className="muted">Reading your drawing…</span>
    ) : phase === 'checking' ? (
      <span data-testid="prediction-status" data-status={answer.status}>
        <span className="spinner" aria-hidden="true" /> Checking with the full model…
      </span>
    ) : (
      <>
        <span data-testid="prediction-source" data-source={answer.source}>
          {sourceText(answer)}
        </span>{' '}
        {late ? (
          <>
            once back online <span className="muted">(drawn at {clockTime(answer.at)})</span>
          </>
        ) : (
          <>
            in <span data-testid="prediction-latency">{duration(answer.latencyMs)}</span>
          </>
        )}
      </>
    );

  let note: ReactNode = null;
  if (phase === 'empty') note = 'Draw a digit on the pad: the answer appears here as you draw.';
  else if (phase === 'checking') note = "This device's guess is shown meanwhile.";
  else if (phase === 'waiting' && answer) {
    note = (
      <span data-testid="prediction-status" data-status={answer.status}>
        {answer.status === 'queued' ? 'Not checked yet: ' : 'The full model could not be reached: '}
        {answer.note ?? 'it will check this drawing later.'}
      </span>
    );
  } else if (phase === 'settled' && answer?.origin === 'cloud' && answer.edge) {
    const revised = isRevision(answer);
    note = (
      <span className={revised ? 'revised' : undefined} data-testid="prediction-revision" data-revised={revised}>
        {revised && <strong className="revised-badge">Revised</strong>} This device read {say(answer.edge.label)} ({roundedPercent(answer.edge.confidence)})
        {revised ? '; the full model corrected it.' : '; the full model agrees.'}
      </span>
    );
  }
  return { meta, note };
}
