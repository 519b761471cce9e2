/**
 * How sure this device must be before it answers alone, as a slider that
 * says about how many drawings go to the full model at that setting (from
 * the manifest's validation cascade).
 */
import { SETTINGS_BOUNDS } from '../../core/policy/settings';
import { cloudShare, shareText, type CurvePoint } from './cloud-share';

interface Props {
  /** The threshold in force. */
  readonly value: number;
  /** The model pack's own. */
  readonly recommended: number;
  readonly curve?: readonly CurvePoint[] | undefined;
  /** null returns to the recommended threshold. */
  readonly onChange: (threshold: number | null) => void;
}

const MAX = 0.99;

export function ThresholdSlider({ value, recommended, curve, onChange }: Props) {
  const min = Math.max(SETTINGS_BOUNDS.threshold.min, Math.min(recommended, ...(curve ?? []).map((p) => p.threshold)));
  const share = cloudShare(curve, value);
  const pct = `${Math.round(value * 100)}%`;
  const says = share === undefined ? '' : `${shareText(share)} go to the full model.`;
  return (
    <div className="field threshold">
      <label htmlFor="setting-threshold">
        Ask the full model when this device is less than <strong>{pct}</strong> sure
      </label>
      <input
        id="setting-threshold"
        className="slider"
        data-testid="setting-threshold"
        type="range"
        min={min}
        max={MAX}
        step={SETTINGS_BOUNDS.threshold.step}
        value={Math.min(MAX, Math.max(min, value))}
        aria-valuetext={`${pct}. ${says}`}
        aria-describedby="threshold-share"
        onChange={(e) => {
          const next = Math.round(e.target.valueAsNumber * 100) / 100;
          onChange(next === recommended ? null : next);
        }}
      />
      <div className="threshold-foot">
        <p id="threshold-share" className="small" data-testid="setting-threshold-share" data-share={share}>
          {says}
        </p>
        {value !== recommended && (
          <button type="button" className="button quiet small" data-testid="setting-threshold-reset" onClick={() => onChange(null)}>
            Back to {Math.round(recommended * 100)}% (recommended)
          </button>
        )}
      </div>
    </div>
  );
}
