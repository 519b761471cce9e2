/**
 * The confusion matrix of the selection's labelled predictions over the range:
 * rows the true label, columns the predicted one, each cell shaded by its
 * share of its row; the diagonal (right answers) in bold.
 */
import type { Confusion } from '../api';
import { mix, usePalette } from '../hooks/use-palette';
import { useLoad } from '../hooks/use-load';
import type { Span } from '../range';
import { selectionKey, type Selection } from '../selection';
import { CardStatus } from './CardStatus';

interface Props {
  readonly selection: Selection;
  readonly span: Span;
  readonly tick: number;
}

/** Headers stay narrow on a phone: long labels are cut, with the whole label for assistive technology. */
function Label({ label }: { readonly label: string }) {
  if (label.length <= 3) return <>{label}</>;
  return <abbr title={label}>{label.slice(0, 2)}…</abbr>;
}

export function ConfusionCard({ selection, span, tick }: Props) {
  const palette = usePalette();
  const loaded = useLoad<Confusion>(
    (api) => api.confusion(selection.model, { ...span, version: selection.version, source: selection.source }),
    selectionKey(selection),
    tick,
  );
  const matrix = loaded.data?.matrix ?? [];
  const labels = loaded.data?.labels ?? [];
  const total = matrix.reduce((t, row) => t + row.reduce((a, b) => a + b, 0), 0);
  return (
    <section className="card" aria-labelledby="ops-confusion-title">
      <h2 id="ops-confusion-title">Confusion matrix</h2>
      <CardStatus loaded={loaded} />
      {loaded.data && total === 0 && <p className="muted">No labelled predictions in this range.</p>}
      {loaded.data && total > 0 && (
        <table className="confusion" data-testid="ops-confusion">
          <caption>{total} labelled predictions: rows the true label, columns the predicted one</caption>
          <thead>
            <tr>
              <td />
              {labels.map((label) => (
                <th scope="col" key={label}>
                  <Label label={label} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => {
              const rowTotal = row.reduce((a, b) => a + b, 0);
              return (
                <tr key={labels[i] ?? i}>
                  <th scope="row">
                    <Label label={labels[i] ?? String(i)} />
                  </th>
                  {row.map((value, j) => (
                    <td
                      key={labels[j] ?? j}
                      className={i === j ? 'diagonal' : undefined}
                      style={{ backgroundColor: value > 0 ? mix(palette.heatLow, palette.heatHigh, value / Math.max(1, rowTotal)) : undefined }}
                    >
                      {value}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
