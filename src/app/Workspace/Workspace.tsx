/**
 * The working page once the model pack is loaded: the pad, the answer, the
 * history and the settings, the connection pill and About panel at the top,
 * the revision notice and the live region, all around the two-phase hook.
 */
import { useEffect, useState } from 'react';
import { modelForRole, type Manifest } from '../../core/manifest';
import { effectiveThreshold } from '../../core/policy/settings';
import { About } from '../About/About';
import { Announcer } from '../Announcer/Announcer';
import { ConnectionPill } from '../Connection/ConnectionPill';
import { OutboxPanel } from '../Connection/OutboxPanel';
import { DrawPad } from '../DrawPad/DrawPad';
import { History } from '../History/History';
import { useAnnouncement } from '../hooks/use-announcement';
import { useDrawingSession } from '../hooks/use-drawing-session';
import { useLateAnswer } from '../hooks/use-late-answer';
import { useOnline } from '../hooks/use-online';
import { usePhaseOne } from '../hooks/use-phase-one';
import { useSettings } from '../hooks/use-settings';
import { useTestHandle } from '../hooks/use-test-handle';
import { useTwoPhase } from '../hooks/use-two-phase';
import { LoadProgress } from '../LoadProgress/LoadProgress';
import { cardView } from '../PredictionCard/card-view';
import { PredictionCard } from '../PredictionCard/PredictionCard';
import { RevisionNotice } from '../RevisionNotice/RevisionNotice';
import { Settings } from '../Settings/Settings';
import { TopBar } from '../TopBar/TopBar';

interface Props {
  readonly manifest: Manifest;
  readonly onPhaseOneSettled: () => void;
}

export function Workspace({ manifest, onPhaseOneSettled }: Props) {
  const edgeModel = modelForRole(manifest, 'edge');
  const { labels, reject_label: rejectLabel } = edgeModel;
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

  const session = useDrawingSession(twoPhase);
  const view = cardView(session.answer, twoPhase.preview, session.changedAt);
  const threshold = effectiveThreshold(settings, edgeModel.gate?.threshold ?? 0);
  const late = useLateAnswer(view.answer);
  const { revision } = twoPhase;
  const announcement = useAnnouncement(view, revision, { labels, rejectLabel, threshold });
  const [panel, setPanel] = useState<'outbox' | 'about'>();
  const closePanel = () => setPanel(undefined);

  const { giveFeedback } = twoPhase;
  const cardAnswer = view.answer;
  const answerSettled = view.phase === 'settled' || view.phase === 'waiting' || view.phase === 'checking';
  // Looked up by key, so an answer brought back by undo shows its label too.
  const cardFeedback = twoPhase.history.find((e) => e.answer.key === cardAnswer?.key)?.feedback;

  return (
    <>
      <TopBar>
        <ConnectionPill online={online} waiting={twoPhase.outboxCount} onOpen={() => setPanel('outbox')} />
        <button type="button" className="button quiet" data-testid="about-open" aria-haspopup="dialog" onClick={() => setPanel('about')}>
          About
        </button>
      </TopBar>
      <main className="layout">
        <div className="pad-area">
          <DrawPad
            onDraw={session.onDraw}
            onNewDrawing={session.onNewDrawing}
            onRestore={session.onRestore}
            nextStrokeIsNew={settings.nextDigit && answerSettled}
          />
        </div>
        <div className="answer-area">
          {phaseOne.status === 'loading' && <LoadProgress progress={phaseOne.progress} />}
          {phaseOne.status === 'error' && (
            <p role="alert" className="alert" data-testid="phase-one-error">
              The model could not start on this device: {phaseOne.message}
            </p>
          )}
          {twoPhase.error && (
            <p role="alert" className="alert">
              {twoPhase.error}
            </p>
          )}
          <PredictionCard
            view={view}
            labels={labels}
            rejectLabel={rejectLabel}
            threshold={threshold}
            late={late}
            feedback={cardFeedback}
            onFeedback={cardAnswer ? (label) => giveFeedback(cardAnswer, label) : undefined}
          />
        </div>
        <History entries={twoPhase.history} labels={labels} rejectLabel={rejectLabel} onFeedback={(entry, label) => giveFeedback(entry.answer, label)} />
        <Settings settings={settings} gate={edgeModel.gate} onChange={setSettings} />
      </main>
      <OutboxPanel
        open={panel === 'outbox'}
        online={online}
        waiting={twoPhase.outboxCount}
        pending={twoPhase.pending}
        onRetry={twoPhase.retry}
        onClose={closePanel}
      />
      <About open={panel === 'about'} onClose={closePanel} phaseOne={phaseOne} manifest={manifest} persisted={twoPhase.store?.persisted} />
      <RevisionNotice revision={revision} history={twoPhase.history} rejectLabel={rejectLabel} onDismiss={twoPhase.dismissRevision} />
      <Announcer text={announcement} />
    </>
  );
}
