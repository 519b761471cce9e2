/** The history: recent drawings as cards, newest first; revisions by the cloud show both labels. */
import type { HistoryEntry } from '../../store';
import { HistoryItem } from './HistoryItem';
import './History.css';

interface Props {
  readonly entries: readonly HistoryEntry[];
  readonly labels: readonly string[];
  readonly rejectLabel?: string | undefined;
  readonly onFeedback?: ((entry: HistoryEntry, label: string) => void) | undefined;
}

export function History({ entries, labels, rejectLabel, onFeedback }: Props) {
  return (
    <section className="card history" aria-labelledby="history-title">
      <h2 id="history-title">Recent drawings</h2>
      {entries.length === 0 && <p className="muted">Your drawings and their answers appear here.</p>}
      <ol className="history-list" data-testid="history">
        {entries.map((entry) => (
          <HistoryItem key={entry.drawingId} entry={entry} labels={labels} rejectLabel={rejectLabel} onFeedback={onFeedback} />
        ))}
      </ol>
    </section>
  );
}
