/** The outbox: what waits to be sent (drawings for the full model, labels, usage records), with a retry. */
import { useModalDialog } from '../hooks/use-modal-dialog';
import { clockTime } from '../format';
import type { Pending, PendingItem } from '../hooks/use-two-phase';

interface Props {
  readonly open: boolean;
  readonly online: boolean;
  /** Everything waiting; undefined (with `pending`) until the app's store is read. */
  readonly waiting: number | undefined;
  readonly pending: Pending | undefined;
  readonly onRetry: () => void;
  readonly onClose: () => void;
}

const KIND_TEXT: Readonly<Record<PendingItem['kind'], string>> = {
  prediction: 'Drawing for the full model',
  feedback: 'Your label',
  logs: 'Usage records',
};

/** What waits, in words: unknown before the store is read, never "nothing" then. */
function waitingText(waiting: number | undefined, online: boolean): string {
  if (waiting === undefined) return 'Reading what waits to be sent…';
  if (waiting === 0) return 'Nothing is waiting to be sent.';
  return `${waiting} waiting to be sent${online ? '' : ' once the app is online again'}.`;
}

export function OutboxPanel({ open, online, waiting, pending, onRetry, onClose }: Props) {
  const dialog = useModalDialog(open);
  const { predictions = 0, feedback = 0, logs = 0, items = [] } = pending ?? {};
  const counts: [string, number][] = [
    [predictions === 1 ? 'drawing for the full model' : 'drawings for the full model', predictions],
    [feedback === 1 ? 'label' : 'labels', feedback],
    [logs === 1 ? 'usage record' : 'usage records', logs],
  ];
  return (
    <dialog ref={dialog} className="dialog outbox" aria-labelledby="outbox-title" data-testid="outbox-panel" onClose={onClose}>
      <div className="dialog-head">
        <h2 id="outbox-title">{online ? 'Online' : 'Offline'}</h2>
        <button type="button" className="button quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="dialog-body">
        <p data-testid="status-outbox" data-count={waiting}>
          {waitingText(waiting, online)}
        </p>
        {waiting !== undefined && waiting > 0 && (
          <ul className="outbox-counts">
            {counts
              .filter(([, n]) => n > 0)
              .map(([what, n]) => (
                <li key={what}>
                  {n} {what}
                </li>
              ))}
          </ul>
        )}
        {items.length > 0 && (
          // Focusable: a long list scrolls, and keyboard users must reach it.
          <ol className="outbox-items" tabIndex={0} aria-label="Waiting to be sent">
            {items.map((item) => (
              <li key={`${item.kind}:${item.key}`} data-testid="outbox-item" data-kind={item.kind}>
                <span>{KIND_TEXT[item.kind]}</span>
                <span className="muted small">
                  since {clockTime(item.createdAt)}
                  {item.attempts > 0 ? ` · tried ${item.attempts} ${item.attempts === 1 ? 'time' : 'times'}` : ''}
                </span>
                {item.lastError && <span className="small outbox-error">{item.lastError}</span>}
              </li>
            ))}
          </ol>
        )}
        <div>
          <button type="button" className="button primary" data-testid="outbox-retry" disabled={!online || !waiting} onClick={onRetry}>
            Send now
          </button>
        </div>
        <p className="muted small">Waiting items are kept on this device and sent automatically when the app is online.</p>
      </div>
    </dialog>
  );
}
