/**
 * A read-mostly handle on the running app (`window.digitsApp`) for the
 * browser tests and the edge benchmark: which backend phase one chose, the
 * store, and the predictor itself, so they can time the path a drawing takes.
 */
import { useEffect } from 'react';
import type { ModelEntry } from '../../core/manifest';
import type { PhaseOne } from '../../edge/backend-choice';
import type { AppStore } from '../../store';
import type { Predictor } from '../prediction/predictor';
import type { PhaseOneState } from './use-phase-one';
import type { TwoPhase } from './use-two-phase';

export interface AppHandle {
  readonly edgeModel: ModelEntry;
  readonly phaseOne?: PhaseOne;
  readonly predictor?: Predictor;
  readonly store?: AppStore;
}

export const appHandle = (): AppHandle | undefined => (window as unknown as { digitsApp?: AppHandle }).digitsApp;

export function useTestHandle(edgeModel: ModelEntry, phaseOne: PhaseOneState, twoPhase: TwoPhase): void {
  useEffect(() => {
    const handle: AppHandle = {
      edgeModel,
      ...(phaseOne.status === 'ready' ? { phaseOne: phaseOne.phaseOne } : {}),
      ...(twoPhase.predictor ? { predictor: twoPhase.predictor } : {}),
      ...(twoPhase.store ? { store: twoPhase.store } : {}),
    };
    (window as unknown as { digitsApp: AppHandle }).digitsApp = handle;
  }, [edgeModel, phaseOne, twoPhase.predictor, twoPhase.store]);
}
