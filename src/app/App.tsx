/**
 * The app's page: loads the model pack, then lays out the pad and the
 * answer side by side (stacked on a phone), the history and the settings,
 * with the connection and the About panel at the top.
 */
import { useCallback, useState } from 'react';
import { TopBar } from './TopBar/TopBar';
import { UpdatePrompt } from './UpdatePrompt/UpdatePrompt';
import { useManifest } from './hooks/use-manifest';
import { Workspace } from './Workspace/Workspace';

export function App() {
  const manifest = useManifest();
  // A latch: a later restart of phase one (another backend) does not register again.
  const [phaseOneSettled, setPhaseOneSettled] = useState(false);
  const markPhaseOneSettled = useCallback(() => setPhaseOneSettled(true), []);
  return (
    <div className="app">
      {/*
        Registered once phase one is up, so the precache reads the runtime from the HTTP cache
        instead of the network again; at once when the model pack fails, so a fixed deployment can still arrive.
      */}
      <UpdatePrompt start={phaseOneSettled || manifest.status === 'error'} />
      {manifest.status === 'ready' ? (
        <Workspace manifest={manifest.manifest} onPhaseOneSettled={markPhaseOneSettled} />
      ) : (
        <>
          <TopBar />
          <main className="card">
            {manifest.status === 'loading' && <p aria-busy="true">Loading the models…</p>}
            {manifest.status === 'error' && (
              <p role="alert" className="alert" data-testid="model-pack-error">
                The models could not be loaded: {manifest.message}
              </p>
            )}
          </main>
        </>
      )}
    </div>
  );
}
