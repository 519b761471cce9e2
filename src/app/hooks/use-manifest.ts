import { useEffect, useState } from 'react';
import type { Manifest } from '../../core/manifest';
import { fetchManifest } from '../model-pack';

export type ManifestState = { status: 'loading' } | { status: 'ready'; manifest: Manifest } | { status: 'error'; message: string };

export function useManifest(): ManifestState {
  const [state, setState] = useState<ManifestState>({ status: 'loading' });
  useEffect(() => {
    fetchManifest().then(
      (manifest) => setState({ status: 'ready', manifest }),
      (error: unknown) => setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);
  return state;
}
