/** The models this deployment serves, as its manifest describes them. */
import type { Manifest } from '../../core/manifest';
import { percent } from '../format';

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export function ModelPackInfo({ manifest }: { readonly manifest: Manifest }) {
  return (
    <section aria-label="Models" data-testid="model-pack">
      <h2>Models</h2>
      <ul className="models">
        {manifest.models.map((m) => (
          <li key={`${m.name}@${m.version}`} data-testid={`model-${m.role}`}>
            <strong>{m.role === 'edge' ? 'On device' : 'In the cloud'}</strong>: {m.name} v{m.version}, {m.precision}, {kilobytes(m.bytes)}, held-out accuracy{' '}
            {percent(m.metrics.heldout.accuracy)}
            {m.gate ? `, asks the cloud below ${percent(m.gate.threshold)} confidence` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
