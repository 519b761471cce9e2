import { useEffect, useState } from 'react';
import type { Manifest } from '../../core/manifest';
import { fetchManifest } from '../model-pack';

type State = { status: 'loading' } | { status: 'ready'; manifest: Manifest } | { status: 'error'; message: string };

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** The models this deployment serves, as its manifest describes them. */
export function ModelPackInfo() {
  const [state, setState] = useState<State>({ status: 'loading' });
  useEffect(() => {
    fetchManifest().then(
      (manifest) => setState({ status: 'ready', manifest }),
      (error: unknown) => setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  if (state.status === 'loading') return <p aria-busy="true">Loading the model pack…</p>;
  if (state.status === 'error') return <p role="alert" data-testid="model-pack-error">{state.message}</p>;
  return (
    <section aria-label="Models" data-testid="model-pack">
      <ul className="models">
        {state.manifest.models.map((m) => (
          <li key={`${m.name}@${m.version}`} data-testid={`model-${m.role}`}>
            <strong>{m.role === 'edge' ? 'On device' : 'In the cloud'}</strong>: {m.name} v{m.version}, {m.precision},{' '}
            {kilobytes(m.bytes)}, held-out accuracy {percent(m.metrics.heldout.accuracy)}
            {m.gate ? `, asks the cloud below ${percent(m.gate.threshold)} confidence` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
