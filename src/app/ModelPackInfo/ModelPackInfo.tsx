/** The models this deployment serves, as its manifest describes them. */
import type { Manifest } from '../../core/manifest';
import { percent } from '../format';

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export function ModelPackInfo({ manifest }: { readonly manifest: Manifest }) {
  return (
    <section aria-labelledby="models-title" data-testid="model-pack">
      <h3 id="models-title">Models</h3>
      <ul className="models">
        {manifest.models.map((m) => (
          <li key={`${m.name}@${m.version}`} data-testid={`model-${m.role}`}>
            <strong>{m.role === 'edge' ? 'On this device' : 'On the server'}</strong>: {m.name} v{m.version}, {m.precision}, {kilobytes(m.bytes)}, right on{' '}
            {percent(m.metrics.heldout.accuracy)} of held-out drawings
            {m.gate ? `; asks the full model below ${percent(m.gate.threshold, 0)} confidence` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
