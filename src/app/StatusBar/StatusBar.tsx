/** The status bar: connectivity, the backend phase one runs on, the model versions and what waits for the cloud. */
import type { Manifest } from '../../core/manifest';
import type { PhaseOneState } from '../hooks/use-phase-one';

interface Props {
  readonly online: boolean;
  readonly phaseOne: PhaseOneState;
  readonly manifest?: Manifest;
  readonly outboxCount: number;
  readonly persisted?: boolean;
}

export function StatusBar({ online, phaseOne, manifest, outboxCount, persisted }: Props) {
  const ready = phaseOne.status === 'ready' ? phaseOne.phaseOne : undefined;
  return (
    <footer className="status-bar">
      <span data-testid="status-online" data-online={online}>
        {online ? 'online' : 'offline'}
      </span>
      <span>
        backend <strong data-testid="status-backend">{ready?.init.backend ?? (phaseOne.status === 'error' ? 'failed' : 'loading')}</strong>
        {ready?.init.backend === 'wasm' && (
          <>
            {' '}
            ×<span data-testid="status-threads">{ready.init.threads}</span> {ready.init.threads === 1 ? 'thread' : 'threads'}
          </>
        )}
      </span>
      {ready && (
        <span className="muted" data-testid="status-backend-choice" data-how={ready.choice.how} title={ready.choice.reason}>
          {ready.choice.how}: {ready.choice.reason}
        </span>
      )}
      <span data-testid="status-app-version">app {__APP_VERSION__}</span>
      {manifest && <span data-testid="status-models">{manifest.models.map((m) => `${m.name} v${m.version}`).join(' · ')}</span>}
      <span data-testid="status-outbox" data-count={outboxCount}>
        {outboxCount === 0 ? 'nothing waiting' : `${outboxCount} waiting for the cloud`}
      </span>
      <span data-testid="status-isolated">{crossOriginIsolated ? 'isolated' : 'not isolated'}</span>
      {persisted !== undefined && <span className="muted">{persisted ? 'storage kept' : 'storage may be cleared'}</span>}
    </footer>
  );
}
