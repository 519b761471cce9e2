/**
 * The About panel: the technical details a curious user or a developer may
 * want (where the small model runs, with how many threads and why, isolation,
 * storage, the models and versions), kept out of the way of drawing.
 */
import { useModalDialog } from '../hooks/use-modal-dialog';
import type { Manifest } from '../../core/manifest';
import type { PhaseOneState } from '../hooks/use-phase-one';
import { ModelPackInfo } from '../ModelPackInfo/ModelPackInfo';
import './About.css';

interface Props {
  readonly open: boolean;
  readonly onClose: () => void;
  readonly phaseOne?: PhaseOneState | undefined;
  readonly manifest?: Manifest | undefined;
  readonly persisted?: boolean | undefined;
}

const BACKEND_TEXT: Readonly<Record<string, string>> = { wasm: 'WebAssembly on the processor', webgpu: 'WebGPU on the graphics card' };

export function About({ open, onClose, phaseOne, manifest, persisted }: Props) {
  const dialog = useModalDialog(open);
  const ready = phaseOne?.status === 'ready' ? phaseOne.phaseOne : undefined;
  const backend = ready?.init.backend ?? (phaseOne?.status === 'error' ? 'failed' : 'loading');
  return (
    <dialog ref={dialog} className="dialog about" aria-labelledby="about-title" data-testid="about" onClose={onClose}>
      <div className="dialog-head">
        <h2 id="about-title">About this app</h2>
        <button type="button" className="button quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="dialog-body">
        <p>A small model runs on this device and answers as you draw, even offline. When it is not sure, the full model on the server checks the drawing.</p>
        <section aria-labelledby="about-device">
          <h3 id="about-device">On this device</h3>
          <dl className="facts">
            <dt>Runs on</dt>
            <dd>
              <code data-testid="status-backend">{backend}</code>
              {ready && ` · ${BACKEND_TEXT[backend] ?? backend}`}
              {ready?.init.backend === 'wasm' && (
                <>
                  {' · '}
                  <span data-testid="status-threads">{ready.init.threads}</span> {ready.init.threads === 1 ? 'thread' : 'threads'}
                </>
              )}
            </dd>
            {ready && (
              <>
                <dt>Chosen</dt>
                <dd data-testid="status-backend-choice" data-how={ready.choice.how}>
                  {ready.choice.how}: {ready.choice.reason}
                </dd>
              </>
            )}
            <dt>Isolation</dt>
            <dd>
              <span data-testid="status-isolated">{crossOriginIsolated ? 'isolated' : 'not isolated'}</span>
              <span className="muted"> (cross-origin isolation lets the model use several threads)</span>
            </dd>
            <dt>Storage</dt>
            <dd>
              {persisted === undefined
                ? 'opening…'
                : persisted
                  ? 'kept: the browser will not clear waiting requests'
                  : 'the browser may clear it when space runs low'}
            </dd>
            <dt>App</dt>
            <dd data-testid="status-app-version">app {__APP_VERSION__}</dd>
            {manifest && (
              <>
                <dt>Models</dt>
                <dd data-testid="status-models">{manifest.models.map((m) => `${m.name} v${m.version}`).join(' · ')}</dd>
              </>
            )}
          </dl>
        </section>
        {manifest && <ModelPackInfo manifest={manifest} />}
      </div>
    </dialog>
  );
}
