/** The ten probabilities as bars, the top one marked; a list, so screen readers read it too. */
import { percent } from '../format';

interface Props {
  readonly labels: readonly string[];
  readonly probabilities: readonly number[];
}

export function ProbabilityBars({ labels, probabilities }: Props) {
  const top = probabilities.indexOf(Math.max(...probabilities));
  return (
    <ol className="bars" data-testid="probabilities" aria-label="Probability of each label">
      {labels.map((label, i) => {
        const p = probabilities[i] ?? 0;
        return (
          <li key={label} className={i === top ? 'top' : undefined} aria-label={`${label}: ${percent(p)}`}>
            <span className="bar" style={{ blockSize: `${Math.max(1, p * 100)}%` }} />
            <span className="bar-label">{label}</span>
          </li>
        );
      })}
    </ol>
  );
}
