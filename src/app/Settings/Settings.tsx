/** The settings: who answers, how sure this device must be, the next-digit flow, sharing drawings, and advanced choices. Changes apply at once. */
import type { Gate } from '../../core/manifest';
import { SETTINGS_BOUNDS, SettingsSchema, effectiveThreshold, type Settings as SettingsValue } from '../../core/policy/settings';
import { ModeControl } from './ModeControl';
import { Switch } from './Switch';
import { ThresholdSlider } from './ThresholdSlider';
import './Settings.css';

interface Props {
  readonly settings: SettingsValue;
  readonly gate?: Gate | undefined;
  readonly onChange: (next: SettingsValue) => void;
}

export function Settings({ settings, gate, onChange }: Props) {
  const set = <K extends keyof SettingsValue>(key: K, value: SettingsValue[K]) => onChange({ ...settings, [key]: value });
  const recommended = gate?.threshold ?? 0;
  return (
    <section className="card settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <div className="settings-fields">
        <ModeControl mode={settings.mode} onChange={(mode) => set('mode', mode)} />
        {settings.mode === 'prefer_on_device' && gate && (
          <ThresholdSlider
            value={effectiveThreshold(settings, recommended)}
            recommended={recommended}
            curve={gate.chosen.curve}
            onChange={(threshold) => set('thresholdOverride', threshold)}
          />
        )}
        <Switch
          id="setting-next-digit"
          label="Start the next digit with the next stroke"
          help="After an answer, drawing again starts a new digit; Undo brings the last one back."
          checked={settings.nextDigit}
          onChange={(on) => set('nextDigit', on)}
        />
        <Switch
          id="setting-share-drawings"
          label="Share drawings to improve the model"
          help="Some drawings, as small 28×28 images, go with their answers to check and retrain the model; off, only the answers go."
          checked={settings.shareDrawings}
          onChange={(on) => set('shareDrawings', on)}
        />
        <details className="advanced">
          <summary>Advanced</summary>
          <div className="settings-fields">
            <div className="field">
              <label htmlFor="setting-timeout">Wait for the full model at most (seconds)</label>
              <input
                id="setting-timeout"
                className="input"
                data-testid="setting-timeout"
                type="number"
                min={SETTINGS_BOUNDS.cloudTimeoutMs.min / 1000}
                max={SETTINGS_BOUNDS.cloudTimeoutMs.max / 1000}
                step={SETTINGS_BOUNDS.cloudTimeoutMs.step / 1000}
                value={settings.cloudTimeoutMs / 1000}
                onChange={(e) => {
                  const parsed = SettingsSchema.shape.cloudTimeoutMs.safeParse(Math.round(e.target.valueAsNumber * 1000));
                  if (parsed.success) set('cloudTimeoutMs', parsed.data);
                }}
              />
            </div>
            <div className="field">
              <label htmlFor="setting-backend">Run this device&apos;s model with</label>
              <select
                id="setting-backend"
                className="input"
                data-testid="setting-backend"
                value={settings.backend}
                onChange={(e) => set('backend', e.target.value as SettingsValue['backend'])}
              >
                <option value="auto">Whichever is faster (measured)</option>
                <option value="wasm">WebAssembly (processor)</option>
                <option value="webgpu">WebGPU (graphics card)</option>
              </select>
            </div>
          </div>
        </details>
      </div>
    </section>
  );
}
