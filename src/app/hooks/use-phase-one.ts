/**
 * Starts the small model in its worker; starts again when the model or the
 * backend setting changes. State is tagged with what it was started for, so
 * a change shows "loading" at once instead of the worker being replaced.
 */
import { useEffect, useState } from 'react';
import type { ModelEntry } from '../../core/manifest';
import type { BackendPreference } from '../../core/policy/settings';
import { startPhaseOne, type PhaseOne } from '../../edge/backend-choice';
import type { DownloadKind, DownloadProgress } from '../../edge/protocol';

export type PhaseOneState =
  | { status: 'loading'; progress: Partial<Record<DownloadKind, DownloadProgress>> }
  | { status: 'ready'; phaseOne: PhaseOne }
  | { status: 'error'; message: string };

const STARTING: PhaseOneState = { status: 'loading', progress: {} };

export function usePhaseOne(model: ModelEntry, preference: BackendPreference): PhaseOneState {
  const startKey = `${model.name}@${model.version}/${preference}`;
  const [state, setState] = useState<{ readonly key: string; readonly value: PhaseOneState }>();
  useEffect(() => {
    let cancelled = false;
    let started: PhaseOne | undefined;
    const set = (next: (previous: PhaseOneState) => PhaseOneState) =>
      !cancelled && setState((s) => ({ key: startKey, value: next(s?.key === startKey ? s.value : STARTING) }));
    const onProgress = (p: DownloadProgress) => set((s) => (s.status === 'loading' ? { status: 'loading', progress: { ...s.progress, [p.kind]: p } } : s));
    startPhaseOne(model, preference, onProgress).then(
      (phaseOne) => {
        started = phaseOne;
        if (cancelled) phaseOne.client.terminate();
        else set(() => ({ status: 'ready', phaseOne }));
      },
      (error: unknown) => set(() => ({ status: 'error', message: error instanceof Error ? error.message : String(error) })),
    );
    return () => {
      cancelled = true;
      started?.client.terminate();
    };
  }, [model, preference, startKey]);
  return state?.key === startKey ? state.value : STARTING;
}
