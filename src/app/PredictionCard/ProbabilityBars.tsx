/**
 * Each label's probability as a bar with its value; after the full model
 * answered, the small model's bars stay beside its own. A list, so screen
 * readers read it too.
 */
import { labelText, roundedPercent } from '../format';

interface Props {
  readonly labels: readonly string[];
  readonly rejectLabel?: string | undefined;
  readonly probabilities: readonly number[];
  /** The small model's probabilities, shown beside the full model's. */
  readonly edge?: readonly number[] | undefined;
}

/** Values are written above bars from this probability. */
const VALUE_FROM = 0.05;

export function ProbabilityBars({ labels, rejectLabel, probabilities, edge }: Props) {
  const top = probabilities.indexOf(Math.max(...probabilities));
  // Before any answer the chart keeps its place, empty, and says nothing.
  return (
    <div className="bars-block" aria-hidden={probabilities.length === 0 || undefined}>
      <ol className={edge ? 'bars paired' : 'bars'} data-testid="probabilities" aria-label="How likely each answer is">
        {labels.map((label, i) => {
          const p = probabilities[i] ?? 0;
          const e = edge?.[i];
          const name = labelText(label, rejectLabel);
          return (
            <li
              key={label}
              className={i === top ? 'top' : undefined}
              aria-label={e === undefined ? `${name}: ${roundedPercent(p)}` : `${name}: ${roundedPercent(p)}, this device ${roundedPercent(e)}`}
            >
              <span className="bar-value" aria-hidden="true">
                {p >= VALUE_FROM ? roundedPercent(p) : ''}
              </span>
              <span className="bar-pair" aria-hidden="true">
                <span className="bar" style={{ blockSize: `${Math.max(1, p * 100)}%` }} />
                {e !== undefined && <span className="bar edge-bar" style={{ blockSize: `${Math.max(1, e * 100)}%` }} />}
              </span>
              <span className="bar-label" aria-hidden="true">
                {label === rejectLabel ? '✕' : label}
              </span>
            </li>
          );
        })}
      </ol>
      <p className="bars-legend muted small" aria-hidden="true">
        {edge ? (
          <>
            <span className="swatch" /> full model <span className="swatch edge" /> this device
          </>
        ) : rejectLabel ? (
          '✕ = not a digit'
        ) : (
          ''
        )}
      </p>
    </div>
  );
}
