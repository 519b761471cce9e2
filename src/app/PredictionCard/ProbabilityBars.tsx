/** Each label's probability as a bar, the top one marked; a list, so screen readers read it too. */
import { labelText, percent } from '../format';

interface Props {
  readonly labels: readonly string[];
  readonly rejectLabel?: string | undefined;
  readonly probabilities: readonly number[];
}

export function ProbabilityBars({ labels, rejectLabel, probabilities }: Props) {
  const top = probabilities.indexOf(Math.max(...probabilities));
  return (
    <ol className="bars" data-testid="probabilities" aria-label="Probability of each label">
      {labels.map((label, i) => {
        const p = probabilities[i] ?? 0;
        return (
          <li key={label} className={i === top ? 'top' : undefined} aria-label={`${labelText(label, rejectLabel)}: ${percent(p)}`}>
            <span className="bar" style={{ blockSize: `${Math.max(1, p * 100)}%` }} />
            <span className="bar-label">{label === rejectLabel ? '✕' : label}</span>
          </li>
        );
      })}
    </ol>
  );
}
