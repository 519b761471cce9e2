/**
 * The drift scenario (test/evaluation/drift-scenario.ts) on a real store:
 * twenty clean hourly windows raise no alarm at the default rules, and the
 * first window of thick, rotated, slanted drawings fires the drift and
 * accuracy rules.
 */
import { expect, it } from 'vitest';
import { eachBackend } from '../../test/db/backends';
import { runDriftScenario } from '../../test/evaluation/drift-scenario';

eachBackend('drift scenario', (suite) => {
  it('alerts on drifted drawings within a window, and never on clean ones', async () => {
    const outcome = await runDriftScenario(suite().db);
    expect(outcome.falseAlarms).toEqual([]);
    expect(outcome.windowsToAlert).toBe(1);
    const rules = new Set(outcome.alerts.map((a) => a.rule));
    expect(rules).toContain('dataset_drift');
    expect(rules).toContain('accuracy_below');
    expect(outcome.cleanAccuracy).toBeGreaterThan(0.97);
    expect(outcome.driftedAccuracy).toBeLessThan(0.9);
  });
});
