/**
 * The dashboard once signed in: the selection (model, version, source, range,
 * window), a refresh every 15 seconds (or on demand), and the cards in a
 * responsive grid. The windows are loaded here once for the two cards that
 * draw them (accuracy and drift).
 */
import { useEffect, useMemo, useState } from 'react';
import { fetchManifest, type Windows } from '../api';
import { fullTime } from '../format';
import { useLoad } from '../hooks/use-load';
import { spanAt } from '../range';
import { defaultSelection, selectionKey, type Selection } from '../selection';
import { AccuracyCard } from './AccuracyCard';
import { AlertsCard } from './AlertsCard';
import { BatchCard } from './BatchCard';
import { CascadeCard } from './CascadeCard';
import { ConfusionCard } from './ConfusionCard';
import { Controls } from './Controls';
import { DriftCard } from './DriftCard';
import { ServingCard } from './ServingCard';

/** How often the figures are read again while auto-refresh is on. */
export const REFRESH_MS = 15_000;

interface Props {
  readonly onSignOut: () => void;
}

export function Dashboard({ onSignOut }: Props) {
  const manifest = useLoad(() => fetchManifest(), 'manifest', 0);
  const [chosen, setChosen] = useState<Selection>();
  const [clock, setClock] = useState(() => ({ tick: 0, now: Date.now() }));
  const [auto, setAuto] = useState(true);
  const refresh = () => setClock((c) => ({ tick: c.tick + 1, now: Date.now() }));

  useEffect(() => {
    if (!auto) return;
    const timer = setInterval(() => setClock((c) => ({ tick: c.tick + 1, now: Date.now() })), REFRESH_MS);
    return () => clearInterval(timer);
  }, [auto]);

  const selection = chosen ?? (manifest.data ? defaultSelection(manifest.data) : undefined);
  const [range, size] = [selection?.range, selection?.window];
  const span = useMemo(() => (range && size ? spanAt(range, size, clock.now) : undefined), [range, size, clock.now]);
  const key = selection ? selectionKey(selection) : '';
  const windows = useLoad<Windows | undefined>(
    (api) =>
      selection && span
        ? api.windows(selection.model, { ...span, window: selection.window, version: selection.version, source: selection.source })
        : Promise.resolve(undefined),
    key,
    clock.tick,
  );

  return (
    <div className="ops">
      <header className="ops-header">
        <div>
          <h1>Operations</h1>
          <p className="muted">
            Monitoring, serving and batch jobs of the model pack.{' '}
            {windows.data && (
              <span data-testid="ops-updated">
                Read <time dateTime={new Date(clock.now).toISOString()}>{fullTime(new Date(clock.now).toISOString())}</time>.
              </span>
            )}
          </p>
        </div>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {manifest.error && (
        <p className="notice" role="alert">
          The model manifest could not be read: {manifest.error}
        </p>
      )}
      {manifest.data && selection && span && (
        <>
          <Controls manifest={manifest.data} selection={selection} onChange={setChosen} auto={auto} onAuto={setAuto} onRefresh={refresh} />
          <main className="ops-grid">
            <AccuracyCard selection={selection} span={span} now={clock.now} windows={windows} />
            <DriftCard selection={selection} span={span} windows={windows} />
            <ConfusionCard selection={selection} span={span} tick={clock.tick} />
            <CascadeCard range={selection.range} window={selection.window} span={span} tick={clock.tick} />
            <AlertsCard selection={selection} span={span} tick={clock.tick} />
            <ServingCard tick={clock.tick} />
            <BatchCard manifest={manifest.data} tick={clock.tick} />
          </main>
        </>
      )}
    </div>
  );
}
