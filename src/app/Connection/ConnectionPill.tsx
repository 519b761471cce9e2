/** The connection pill at the top: online or offline and how many requests wait; opens the outbox. */
import './Connection.css';

interface Props {
  readonly online: boolean;
  /** Everything waiting to be sent; undefined until the app's store is read. */
  readonly waiting: number | undefined;
  readonly onOpen: () => void;
}

export function ConnectionPill({ online, waiting, onOpen }: Props) {
  return (
    <button
      type="button"
      className={`pill connection ${online ? 'online' : 'offline'}`}
      data-testid="connection"
      data-online={online}
      aria-haspopup="dialog"
      onClick={onOpen}
    >
      <span className="dot" aria-hidden="true" />
      <span className="connection-state" data-testid="status-online" data-online={online}>
        {online ? 'online' : 'offline'}
      </span>
      <span className={waiting ? 'waiting' : 'waiting none'}>
        <span className="outbox-count" data-testid="outbox-count" data-count={waiting}>
          {waiting ?? '…'}
        </span>{' '}
        waiting
      </span>
    </button>
  );
}
