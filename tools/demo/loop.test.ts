/**
 * npm run demo:loop end to end, as a user runs it: the server by itself
 * detects the drift, retrains the full model (real PyTorch), judges and
 * promotes it, and the demo exits 0 with the timeline, the audit log, the
 * gate's figures and accuracy before and after. Skipped, with a message,
 * without PyTorch.
 */
import { describe, expect, it } from 'vitest';
import { hasTorch, runTsx } from '../../test/torch';

const torch = hasTorch('the demo:loop test');

describe('npm run demo:loop', () => {
  it.skipIf(!torch)(
    'closes the loop: alert, retraining, gate, promotion, and a better model on the drifted stream',
    async () => {
      const { code, output } = await runTsx('tools/demo/loop.ts');
      expect(code, output).toBe(0);
      expect(output).toMatch(/ALERT accuracy_drop on digits-full version 1: .* → action retrain/);
      expect(output).toMatch(/retraining \d+: PROMOTED/);
      const audit = [...output.matchAll(/#\d+ (\w+)\s+version/g)].map((m) => m[1]);
      expect(audit).toEqual(['alert', 'retrain_started', 'retrain_finished', 'deployment_changed', 'deployment_changed', 'evaluation', 'promoted']);
      expect(output).toMatch(/McNemar's exact test on \d+ paired answers: .*: met/);
      const [, before, after, old] = /before ([\d.]+)% .* after ([\d.]+)% .* on the same: ([\d.]+)%/.exec(output) ?? [];
      expect(Number(after)).toBeGreaterThan(Number(before));
      expect(Number(after)).toBeGreaterThan(Number(old));
      expect(output).toContain('the loop closed');
    },
    15 * 60_000,
  );
});
