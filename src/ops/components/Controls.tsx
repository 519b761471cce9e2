/**
 * The selection: model, version, source of predictions, time range and window
 * size (a window that does not fit the range is not offered), and refreshing.
 */
import type { Manifest } from '../../core/manifest';
import type { WindowName } from '../api';
import { fits, fittingWindow, RANGES, WINDOWS, type RangeId } from '../range';
import { modelNames, SOURCES, versionsOf, withModel, type Selection, type Source } from '../selection';

interface Props {
  readonly manifest: Manifest;
  readonly selection: Selection;
  readonly onChange: (selection: Selection) => void;
  readonly auto: boolean;
  readonly onAuto: (auto: boolean) => void;
  readonly onRefresh: () => void;
}

const WINDOW_LABELS: Record<WindowName, string> = { '1m': '1 minute', '5m': '5 minutes', '1h': '1 hour', '1d': '1 day' };

export function Controls({ manifest, selection, onChange, auto, onAuto, onRefresh }: Props) {
  const set = (change: Partial<Selection>) => onChange({ ...selection, ...change });
  return (
    <form className="controls card" aria-label="What to show" onSubmit={(e) => e.preventDefault()}>
      <label>
        Model
        <select data-testid="ops-model" value={selection.model} onChange={(e) => onChange(withModel(manifest, selection, e.target.value))}>
          {modelNames(manifest).map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        Version
        <select data-testid="ops-version" value={selection.version} onChange={(e) => set({ version: e.target.value })}>
          {versionsOf(manifest, selection.model).map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <label>
        Source
        <select data-testid="ops-source" value={selection.source} onChange={(e) => set({ source: e.target.value as Source })}>
          {SOURCES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Range
        <select
          data-testid="ops-range"
          value={selection.range}
          onChange={(e) => {
            const range = e.target.value as RangeId;
            set({ range, window: fittingWindow(range, selection.window) });
          }}
        >
          {RANGES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Window
        <select data-testid="ops-window" value={selection.window} onChange={(e) => set({ window: e.target.value as WindowName })}>
          {WINDOWS.map((w) => (
            <option key={w} value={w} disabled={!fits(selection.range, w)}>
              {WINDOW_LABELS[w]}
            </option>
          ))}
        </select>
      </label>
      <div className="control-actions">
        <label className="check">
          <input type="checkbox" checked={auto} onChange={(e) => onAuto(e.target.checked)} />
          Refresh every 15 s
        </label>
        <button type="button" data-testid="ops-refresh" onClick={onRefresh}>
          Refresh now
        </button>
      </div>
    </form>
  );
}
