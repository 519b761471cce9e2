/**
 * npm run demo:loop end to end, as a user runs it: the server by itself
 * detects the drift, retrains the full model (real PyTorch), judges and
 * promotes it, and the demo exits 0 with the timeline, the audit log, the
 * gate's figures and accuracy before and after. Skipped, with a message,
 * without PyTorch.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
const torch = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
if (!torch) console.warn(`demo:loop test skipped: ${PYTHON} cannot import torch and onnx (apt-get install -y python3-torch python3-onnx)`);

function demo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/loop.ts']);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run demo:loop', () => {
  it.skipIf(!torch)(
    'closes the loop: alert, retraining, gate, promotion, and a better model on the drifted stream',
    async () => {
      const { code, output } = await demo();
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
