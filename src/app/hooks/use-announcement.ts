/**
 * What the page's polite live region says: one sentence per settled answer
 * (or revision), never the readings while the user draws.
 */
import { useState } from 'react';
import { isRevision, type Answer } from '../../core/policy/answer';
import { labelText } from '../format';
import type { CardView } from '../PredictionCard/card-view';
import { confidenceLevel, runnerUp } from '../PredictionCard/confidence';

interface Context {
  readonly labels: readonly string[];
  readonly rejectLabel?: string | undefined;
  readonly threshold: number;
}

/** The sentence for an answer: "Probably 7, or maybe 1.", "Revised by the full model: 2." */
export function sayAnswer(answer: Answer, { labels, rejectLabel, threshold }: Context): string {
  const verdict = answer.verdict;
  if (!verdict) return 'Waiting for the full model.';
  const say = (label: string) => labelText(label, rejectLabel);
  if (isRevision(answer)) return `Revised by the full model: ${say(verdict.label)}.`;
  const level = confidenceLevel(verdict.confidence, threshold);
  const second = runnerUp(verdict, labels, threshold);
  const main = level === 'sure' ? `${say(verdict.label)}.` : level === 'probably' ? `Probably ${say(verdict.label)}` : `Not sure: ${say(verdict.label)}`;
  const tail = level === 'sure' ? '' : second ? `, or maybe ${say(second.label)}.` : '.';
  const waiting = answer.status === 'queued' || answer.status === 'fallback' ? ' The full model will check it later.' : '';
  const sentence = `${main}${tail}${waiting}`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/**
 * @param revision the latest revision of any drawing; announced when it is not the card's own answer.
 */
export function useAnnouncement(view: CardView, revision: Answer | undefined, context: Context): string {
  const settled = view.answer && (view.phase === 'settled' || view.phase === 'waiting') ? view.answer : undefined;
  const elsewhere = revision && revision.key !== settled?.key ? revision : undefined;
  const [said, setSaid] = useState<{ readonly card?: string; readonly revision?: string; readonly text: string }>({ text: '' });
  // A drawing made again is answered from the cache with the same key: the drawing tells them apart.
  const cardId = settled && `${settled.drawingId}:${settled.key}:${settled.status}:${settled.verdict?.label ?? ''}`;
  const revisionId = elsewhere && `${elsewhere.key}:${elsewhere.verdict?.label ?? ''}`;
  const fresh = (cardId !== undefined && cardId !== said.card) || (revisionId !== undefined && revisionId !== said.revision);
  if (fresh) {
    const text =
      cardId !== undefined && cardId !== said.card && settled
        ? sayAnswer(settled, context)
        : elsewhere?.verdict
          ? `The full model revised an earlier drawing: ${labelText(elsewhere.verdict.label, context.rejectLabel)}.`
          : '';
    // The same words twice in a row are still a new announcement.
    const marked = text === said.text.trimEnd() && !said.text.endsWith('\u00a0') ? `${text}\u00a0` : text;
    setSaid({ card: cardId ?? said.card, revision: revisionId ?? said.revision, text: marked });
  }
  return said.text;
}
