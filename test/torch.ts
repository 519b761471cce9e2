/**
 * Whether this machine can train: the tests that run real PyTorch (through
 * npm run models:retrain) skip, with a message saying how to install it,
 * when Debian's python3-torch and python3-onnx are missing.
 */
import { spawn, spawnSync } from 'node:child_process';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';

export function hasTorch(test: string): boolean {
  const ok = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
  if (!ok) console.warn(`${test} skipped: ${PYTHON} cannot import torch and onnx (apt-get install -y python3-torch python3-onnx)`);
  return ok;
}

/** Runs a TypeScript entry point with tsx in a process of its own; resolves with its exit code and output (stdout and stderr). */
export function runTsx(script: string, args: readonly string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}
