/** The two-phase policy: the next step for every mode, online and offline, and what happens when the cloud fails. */
import { describe, expect, it } from 'vitest';
import { gate } from '../math/gate';
import { afterCloudFailure, isInferenceMode, nextStep, runsOnDevice, type InferenceMode } from './two-phase';

const sure = gate([0.01, 0.99], 0.9);
const unsure = gate([0.4, 0.6], 0.9);

describe('two-phase policy', () => {
  it.each<[InferenceMode, boolean, typeof sure | undefined, string]>([
    ['prefer_on_device', true, sure, 'keep'],
    ['prefer_on_device', true, unsure, 'cloud'],
    ['prefer_on_device', false, unsure, 'queue'],
    ['prefer_on_device', false, sure, 'keep'],
    ['prefer_on_device', true, undefined, 'cloud'],
    ['only_on_device', true, unsure, 'keep'],
    ['only_on_device', false, unsure, 'keep'],
    ['prefer_in_cloud', true, sure, 'cloud'],
    ['prefer_in_cloud', false, sure, 'queue'],
    ['only_in_cloud', true, undefined, 'cloud'],
    ['only_in_cloud', false, undefined, 'queue'],
  ])('%s, online=%s, edge %o: %s', (mode, online, edge, step) => {
    expect(nextStep(mode, online, edge)).toBe(step);
  });

  it('runs the small model in every mode but only_in_cloud', () => {
    expect(runsOnDevice('prefer_on_device')).toBe(true);
    expect(runsOnDevice('prefer_in_cloud')).toBe(true);
    expect(runsOnDevice('only_in_cloud')).toBe(false);
  });

  it('falls back to the edge answer when the cloud fails, and keeps the request', () => {
    expect(afterCloudFailure(unsure)).toEqual({ answer: 'edge', queue: true });
    expect(afterCloudFailure(undefined)).toEqual({ answer: 'none', queue: true });
  });

  it('knows its modes', () => {
    expect(isInferenceMode('prefer_on_device')).toBe(true);
    expect(isInferenceMode('fastest')).toBe(false);
  });
});
