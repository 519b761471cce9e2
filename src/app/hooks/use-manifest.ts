/** The model pack's manifest as React state: loading, ready, or the reason it failed. */
import { useEffect, useState } from 'react';
import type { Manifest } from '../../core/manifest';
import { startupManifest } from '../model-pack';

export type ManifestState = { status: 'loading' } | { status: 'ready'; manifest: Manifest } | { status: 'error'; message: string };

export function useManifest(): ManifestState {
  const [state, setState] = useState<ManifestState>({ status: 'loading' });
  useEffect(() => {
    startupManifest().then(
      (manifest) => setState({ status: 'ready', manifest }),
      (error: unknown) => setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);
  return state;
}
