/**
 * Stored settings are read field by field against their defaults and bounds,
 * and a threshold override wins over the manifest's.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, effectiveThreshold, parseSettings, SETTINGS_BOUNDS } from './settings';

describe('parseSettings', () => {
  it('gives the defaults for nothing stored', () => {
    expect(parseSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('garbage')).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid fields and resets only the invalid ones', () => {
    const parsed = parseSettings({
      mode: 'only_in_cloud',
      thresholdOverride: 7,
      cloudTimeoutMs: 1500,
      backend: 'metal',
      nextDigit: false,
      shareDrawings: 'yes',
    });
    expect(parsed).toEqual({ mode: 'only_in_cloud', thresholdOverride: null, cloudTimeoutMs: 1500, backend: 'auto', nextDigit: false, shareDrawings: true });
  });

  it('accepts every mode and a threshold override within its bounds', () => {
    for (const mode of ['prefer_on_device', 'only_on_device', 'prefer_in_cloud', 'only_in_cloud']) {
      expect(parseSettings({ mode }).mode).toBe(mode);
    }
    expect(parseSettings({ thresholdOverride: 1 }).thresholdOverride).toBe(1);
    expect(parseSettings({ thresholdOverride: 0 }).thresholdOverride).toBeNull();
    expect(parseSettings({ thresholdOverride: SETTINGS_BOUNDS.threshold.min }).thresholdOverride).toBe(SETTINGS_BOUNDS.threshold.min);
    expect(parseSettings({ thresholdOverride: SETTINGS_BOUNDS.threshold.min / 2 }).thresholdOverride).toBeNull();
    expect(parseSettings({ cloudTimeoutMs: 50 }).cloudTimeoutMs).toBe(DEFAULT_SETTINGS.cloudTimeoutMs);
  });
});

describe('effectiveThreshold', () => {
  it('uses the override when set and the manifest otherwise', () => {
    expect(effectiveThreshold(DEFAULT_SETTINGS, 0.9)).toBe(0.9);
    expect(effectiveThreshold({ ...DEFAULT_SETTINGS, thresholdOverride: 0.99 }, 0.9)).toBe(0.99);
  });
});
