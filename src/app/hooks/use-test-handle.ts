import { useEffect } from 'react';
import type { PhaseOneState } from './use-phase-one';
import type { TwoPhase } from './use-two-phase';

/**
 * A read-mostly handle on the running app for the browser tests and the edge
 * benchmark: which backend phase one chose and the predictor itself, so they
 * can time the same path a drawing takes.
 */
export function useTestHandle(phaseOne: PhaseOneState, twoPhase: TwoPhase): void {
  useEffect(() => {
    (window as unknown as { digitsApp?: unknown }).digitsApp = {
      phaseOne: phaseOne.status === 'ready' ? phaseOne.phaseOne : undefined,
      predictor: twoPhase.predictor,
      store: twoPhase.store,
    };
  }, [phaseOne, twoPhase.predictor, twoPhase.store]);
}
