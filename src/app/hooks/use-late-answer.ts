/**
 * Whether the full model's answer on the card came once the app was back
 * online: the same request was shown waiting for it before. Its latency is
 * then not what the user waited, so the card says so instead.
 */
import { useState } from 'react';
import type { Answer } from '../../core/policy/answer';

const waits = (answer: Answer) => answer.status === 'queued' || answer.status === 'fallback';

export function useLateAnswer(answer: Answer | undefined): boolean {
  const [trail, setTrail] = useState<{ readonly key?: string; readonly waited: boolean }>({ waited: false });
  if (answer && (answer.key !== trail.key || (waits(answer) && !trail.waited))) {
    setTrail({ key: answer.key, waited: answer.key === trail.key ? true : waits(answer) });
  }
  return answer !== undefined && trail.key === answer.key && trail.waited && answer.status === 'final' && answer.origin === 'cloud';
}
