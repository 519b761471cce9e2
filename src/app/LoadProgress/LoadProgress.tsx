/** First-visit downloads: the onnxruntime binary and the small model, each with its bar. */
import type { DownloadKind, DownloadProgress } from '../../edge/protocol';
import { megabytes } from '../format';
import './LoadProgress.css';

const NAMES: Readonly<Record<DownloadKind, string>> = { runtime: 'Runtime', model: 'Model' };

export function LoadProgress({ progress }: { readonly progress: Partial<Record<DownloadKind, DownloadProgress>> }) {
  const kinds = (['runtime', 'model'] as const).filter((kind) => progress[kind]);
  if (kinds.length === 0)
    return (
      <p className="card load-progress" aria-busy="true">
        Starting the model on this device…
      </p>
    );
  return (
    <div className="card load-progress" data-testid="load-progress" aria-busy="true">
      <p className="small muted">Getting this device ready (once): the model and its runtime download.</p>
      {kinds.map((kind) => {
        const p = progress[kind];
        if (!p) return null;
        return (
          <label key={kind}>
            {NAMES[kind]}: {megabytes(p.loaded)}
            {p.total ? ` of ${megabytes(p.total)}` : ''}
            <progress max={p.total || undefined} value={p.loaded} />
          </label>
        );
      })}
    </div>
  );
}
