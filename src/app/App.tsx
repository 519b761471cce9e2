/**
 * The app's page: loads the model pack, then lays out the pad, the answer,
 * history, settings, model details and status bar around the two-phase
 * predictor.
 */
import { useCallback, useEffect, useState } from 'react';
import { modelForRole } from '../core/manifest';
import { DrawPad } from './DrawPad/DrawPad';
import { History } from './History/History';
import { useManifest } from './hooks/use-manifest';
import { useOnline } from './hooks/use-online';
import { usePhaseOne } from './hooks/use-phase-one';
import { useSettings } from './hooks/use-settings';
import { useTwoPhase } from './hooks/use-two-phase';
import { useTestHandle } from './hooks/use-test-handle';
import { LoadProgress } from './LoadProgress/LoadProgress';
import { ModelPackInfo } from './ModelPackInfo/ModelPackInfo';
import { PredictionCard } from './PredictionCard/PredictionCard';
import { Settings } from './Settings/Settings';
import { StatusBar } from './StatusBar/StatusBar';
import { UpdatePrompt } from './UpdatePrompt/UpdatePrompt';
import type { Manifest } from '../core/manifest';

export function App() {
  const manifest = useManifest();
  // A latch: a later restart of phase one (another backend) does not register again.
  const [phaseOneSettled, setPhaseOneSettled] = useState(false);
  const markPhaseOneSettled = useCallback(() => setPhaseOneSettled(true), []);
  return (
    <main className="app">
      <header>
        <h1>Digits</h1>
        <p className="tagline">A small model on this device answers at once; the full model in the cloud settles the hard cases.</p>
      </header>
      {/*
        Registered once phase one is up, so the precache reads the runtime from the HTTP cache
        instead of the network again; at once when the model pack fails, so a fixed deployment can still arrive.
      */}
      <UpdatePrompt start={phaseOneSettled || manifest.status === 'error'} />
      {manifest.status === 'loading' && <p aria-busy="true">Loading the model pack…</p>}
      {manifest.status === 'error' && (
        <p role="alert" data-testid="model-pack-error">
          {manifest.message}
        </p>
      )}
      {manifest.status === 'ready' && <Workspace manifest={manifest.manifest} onPhaseOneSettled={markPhaseOneSettled} />}
    </main>
  );
}

function Workspace({ manifest, onPhaseOneSettled }: { readonly manifest: Manifest; readonly onPhaseOneSettled: () => void }) {
  const edgeModel = modelForRole(manifest, 'edge');
  const [settings, setSettings] = useSettings();
  const online = useOnline();
  const phaseOne = usePhaseOne(edgeModel, settings.backend);
  const edge = phaseOne.status === 'ready' ? phaseOne.phaseOne.client : undefined;
  const twoPhase = useTwoPhase(manifest, edge, settings, online);
  useTestHandle(edgeModel, phaseOne, twoPhase);
  const settled = phaseOne.status !== 'loading';
  useEffect(() => {
    if (settled) onPhaseOneSettled();
  }, [settled, onPhaseOneSettled]);

  return (
    <>
      <div className="workspace">
        <DrawPad onDraw={twoPhase.onDraw} onClear={twoPhase.onClear} />
        <div className="answers">
          {phaseOne.status === 'loading' && <LoadProgress progress={phaseOne.progress} />}
          {phaseOne.status === 'error' && (
            <p role="alert" data-testid="phase-one-error">
              The model could not start on this device: {phaseOne.message}
            </p>
          )}
          {twoPhase.error && <p role="alert">{twoPhase.error}</p>}
          <PredictionCard labels={edgeModel.labels} rejectLabel={edgeModel.reject_label} answer={twoPhase.answer} preview={twoPhase.preview} />
        </div>
      </div>
      <History entries={twoPhase.history} rejectLabel={edgeModel.reject_label} />
      <Settings settings={settings} manifestThreshold={edgeModel.gate?.threshold ?? 0} onChange={setSettings} />
      <ModelPackInfo manifest={manifest} />
      <StatusBar online={online} phaseOne={phaseOne} manifest={manifest} outboxCount={twoPhase.outboxCount} persisted={twoPhase.store?.persisted} />
    </>
  );
}
