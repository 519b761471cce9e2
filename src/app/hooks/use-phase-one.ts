import { useEffect, useState } from 'react';
import type { ModelEntry } from '../../core/manifest';
import type { BackendPreference } from '../../core/policy/settings';
import { startPhaseOne, type PhaseOne } from '../../edge/backend-choice';
import type { DownloadKind, DownloadProgress } from '../../edge/protocol';

export type PhaseOneState =
  | { status: 'loading'; progress: Partial<Record<DownloadKind, DownloadProgress>> }
  | { status: 'ready'; phaseOne: PhaseOne }
  | { status: 'error'; message: string };

/** Starts the small model in its worker; starts again when the backend setting changes. */
export function usePhaseOne(model: ModelEntry | undefined, preference: BackendPreference): PhaseOneState {
  const [state, setState] = useState<PhaseOneState>({ status: 'loading', progress: {} });
  useEffect(() => {
    if (!model) return;
    let cancelled = false;
    let started: PhaseOne | undefined;
    setState({ status: 'loading', progress: {} });
    const onProgress = (p: DownloadProgress) => {
      if (cancelled) return;
      setState((s) => (s.status === 'loading' ? { status: 'loading', progress: { ...s.progress, [p.kind]: p } } : s));
    };
    startPhaseOne(model, preference, onProgress).then(
      (phaseOne) => {
        started = phaseOne;
        if (cancelled) phaseOne.client.terminate();
        else setState({ status: 'ready', phaseOne });
      },
      (error: unknown) => !cancelled && setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      cancelled = true;
      started?.client.terminate();
    };
  }, [model, preference]);
  return state;
}
