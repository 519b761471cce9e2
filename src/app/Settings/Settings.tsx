/** The settings form: mode, gate threshold, cloud timeout and backend; the app applies changes at once. */
import { INFERENCE_MODES } from '../../core/policy/two-phase';
import { SETTINGS_BOUNDS, SettingsSchema, type Settings as SettingsValue } from '../../core/policy/settings';

interface Props {
  readonly settings: SettingsValue;
  readonly manifestThreshold: number;
  readonly onChange: (next: SettingsValue) => void;
}

const MODE_TEXT: Readonly<Record<SettingsValue['mode'], string>> = {
  prefer_on_device: 'Prefer this device (ask the cloud when unsure)',
  only_on_device: 'Only this device',
  prefer_in_cloud: 'Prefer the cloud',
  only_in_cloud: 'Only the cloud',
};

export function Settings({ settings, manifestThreshold, onChange }: Props) {
  const set = <K extends keyof SettingsValue>(key: K, value: SettingsValue[K]) => onChange({ ...settings, [key]: value });
  return (
    <details className="settings">
      <summary>Settings</summary>
      <label>
        Where to predict
        <select data-testid="setting-mode" value={settings.mode} onChange={(e) => set('mode', e.target.value as SettingsValue['mode'])}>
          {INFERENCE_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {MODE_TEXT[mode]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Ask the cloud below this confidence (model pack: {manifestThreshold})
        <input
          data-testid="setting-threshold"
          type="number"
          min={SETTINGS_BOUNDS.threshold.min}
          max={SETTINGS_BOUNDS.threshold.max}
          step={SETTINGS_BOUNDS.threshold.step}
          placeholder={String(manifestThreshold)}
          value={settings.thresholdOverride ?? ''}
          onChange={(e) => {
            const parsed = SettingsSchema.shape.thresholdOverride.safeParse(e.target.valueAsNumber);
            set('thresholdOverride', parsed.success ? parsed.data : null);
          }}
        />
      </label>
      <label>
        Cloud timeout (ms)
        <input
          data-testid="setting-timeout"
          type="number"
          min={SETTINGS_BOUNDS.cloudTimeoutMs.min}
          max={SETTINGS_BOUNDS.cloudTimeoutMs.max}
          step={SETTINGS_BOUNDS.cloudTimeoutMs.step}
          value={settings.cloudTimeoutMs}
          onChange={(e) => {
            const parsed = SettingsSchema.shape.cloudTimeoutMs.safeParse(Math.round(e.target.valueAsNumber));
            if (parsed.success) set('cloudTimeoutMs', parsed.data);
          }}
        />
      </label>
      <label>
        Backend on this device
        <select data-testid="setting-backend" value={settings.backend} onChange={(e) => set('backend', e.target.value as SettingsValue['backend'])}>
          <option value="auto">Fastest (probed)</option>
          <option value="wasm">WASM</option>
          <option value="webgpu">WebGPU</option>
        </select>
      </label>
    </details>
  );
}
