/** The history list: recent drawings' answers, newest first; revisions by the cloud show both labels. */
import { isRevision } from '../../core/policy/answer';
import type { HistoryEntry } from '../../store';
import { labelText, percent } from '../format';

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function History({ entries, rejectLabel }: { readonly entries: readonly HistoryEntry[]; readonly rejectLabel?: string | undefined }) {
  return (
    <section className="history" aria-label="Recent predictions">
      <h2>Recent</h2>
      {entries.length === 0 && <p className="muted">Nothing yet.</p>}
      <ol data-testid="history">
        {entries.map(({ drawingId, answer }) => (
          <li key={drawingId} data-source={answer.source} data-origin={answer.origin} data-status={answer.status}>
            <strong className="history-label">{answer.verdict ? labelText(answer.verdict.label, rejectLabel) : '…'}</strong>
            {isRevision(answer) && <span className="history-revision"> (device said {answer.edge ? labelText(answer.edge.label, rejectLabel) : ''})</span>}
            <span className="muted">
              {' '}
              {answer.verdict ? percent(answer.verdict.confidence, 0) : ''} · {answer.source}
              {answer.source === 'cache' ? ` of ${answer.origin}` : ''}
              {answer.status === 'queued' || answer.status === 'fallback' ? ' · waiting for the full model' : ''} · {time(answer.at)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
