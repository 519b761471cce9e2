/**
 * The revision to tell the user about: the latest the full model made, for
 * any drawing (replays after reconnecting too), unless it only came back
 * from the cache for a drawing made again.
 */
import type { Answer } from '../../core/policy/answer';
import type { TwoPhase } from './use-two-phase';

export function revisionToShow({ revision }: Pick<TwoPhase, 'revision'>): Answer | undefined {
  return revision && revision.source !== 'cache' ? revision : undefined;
}
