/**
 * The prediction card: the answer with how sure it is, who answered and how
 * long it took, what is under way (the drawing being read, the full model
 * being asked), the bars, and Right / Wrong. Every part keeps its place, so
 * the card does not jump as the answer changes.
 */
import type { FeedbackState } from '../../store/db';
import { FeedbackButtons } from '../FeedbackButtons/FeedbackButtons';
import { AnswerHeadline } from './AnswerHeadline';
import { answerStatus } from './answer-status';
import type { CardView } from './card-view';
import { ProbabilityBars } from './ProbabilityBars';
import './PredictionCard.css';

interface Props {
  readonly view: CardView;
  readonly labels: readonly string[];
  /** The label that means "not a digit", when the pack has one. */
  readonly rejectLabel?: string | undefined;
  /** The gate threshold in force: it sets the words for how sure an answer is. */
  readonly threshold: number;
  /** The full model's answer came once the app was back online. */
  readonly late: boolean;
  readonly feedback?: FeedbackState | undefined;
  /** Absent while labels cannot be given. */
  readonly onFeedback?: ((label: string) => void) | undefined;
}

export function PredictionCard({ view, labels, rejectLabel, threshold, late, feedback, onFeedback }: Props) {
  const { phase, verdict, answer } = view;
  const edge = phase === 'settled' && answer?.origin === 'cloud' ? answer.edge?.probabilities : undefined;
  const placeholder = answer?.status === 'queued' && !verdict ? '…' : '';
  const { meta, note } = answerStatus({ view, rejectLabel, late });
  return (
    <section className="card prediction-card" data-testid="prediction" data-state={phase} aria-labelledby="answer-title">
      <h2 id="answer-title" className="visually-hidden">
        Answer
      </h2>
      <p className="answer-meta" data-testid="prediction-state" data-state={phase}>
        {meta}
      </p>
      <div className={phase === 'checking' || phase === 'reading' ? 'answer-body dimmed' : 'answer-body'}>
        <AnswerHeadline verdict={verdict} labels={labels} rejectLabel={rejectLabel} threshold={threshold} placeholder={placeholder} />
        <ProbabilityBars labels={labels} rejectLabel={rejectLabel} probabilities={verdict?.probabilities ?? []} edge={edge} />
      </div>
      <p className="answer-note">{note}</p>
      <div className="answer-feedback">
        {onFeedback && answer && phase !== 'reading' && (
          <FeedbackButtons
            key={answer.key}
            answered={answer.verdict?.label}
            labels={labels}
            rejectLabel={rejectLabel}
            feedback={feedback}
            onGive={onFeedback}
            about="this answer"
          />
        )}
      </div>
    </section>
  );
}
