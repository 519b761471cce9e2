/** Where drawings are answered, as a segmented control, with a line on what the chosen mode does. */
import { INFERENCE_MODES, type InferenceMode } from '../../core/policy/two-phase';

const MODE_TEXT: Readonly<Record<InferenceMode, { readonly name: string; readonly says: string }>> = {
  prefer_on_device: { name: 'Device first', says: 'This device answers; the full model checks the drawings it is not sure of.' },
  only_on_device: { name: 'Device only', says: 'Only this device answers. No drawing goes to the full model.' },
  prefer_in_cloud: { name: 'Cloud first', says: 'The full model answers when online; this device meanwhile and offline.' },
  only_in_cloud: { name: 'Cloud only', says: 'Only the full model answers. Offline, drawings wait for it.' },
};

export function ModeControl({ mode, onChange }: { readonly mode: InferenceMode; readonly onChange: (mode: InferenceMode) => void }) {
  return (
    <div className="field">
      <fieldset className="segmented" data-testid="setting-mode" data-value={mode} aria-describedby="mode-says">
        <legend>Who answers</legend>
        <div className="segmented-track">
          {INFERENCE_MODES.map((m) => (
            <label key={m}>
              <input type="radio" name="mode" value={m} checked={m === mode} data-testid={`setting-mode-${m}`} onChange={() => onChange(m)} />
              {MODE_TEXT[m].name}
            </label>
          ))}
        </div>
      </fieldset>
      <p id="mode-says" className="muted small">
        {MODE_TEXT[mode].says}
      </p>
    </div>
  );
}
