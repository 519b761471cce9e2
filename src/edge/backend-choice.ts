/** Phase one's start-up: opens the edge model in a worker and chooses between WASM and WebGPU for this device. */
import type { ModelEntry } from '../core/manifest';
import type { BackendPreference } from '../core/policy/settings';
import { argmax, softmax } from '../core/math/probabilities';
import { EdgeClient } from './edge-client';
import { initRequestFor } from './phase-one-spec';
import { probeInputs } from './probe-inputs';
import type { Backend, DownloadProgress, InitResult } from './protocol';

/** How phase one picked its backend, for the status bar and the tests. */
export interface BackendChoice {
  readonly backend: Backend;
  readonly how: 'forced' | 'remembered' | 'probed';
  readonly reason: string;
  /** Median round trip of one run, per backend the probe timed. */
  readonly medianMs?: Partial<Record<Backend, number>>;
}

export interface PhaseOne {
  readonly client: EdgeClient;
  readonly init: InitResult;
  readonly choice: BackendChoice;
}

const PROBE_ROUNDS = 15;
/** Largest difference in any class probability for two backends to count as agreeing. */
const AGREEMENT_TOLERANCE = 0.02;

async function open(model: ModelEntry, backend: Backend, onProgress?: (p: DownloadProgress) => void) {
  const client = new EdgeClient(onProgress);
  try {
    return { client, init: await client.init(initRequestFor(model, backend)) };
  } catch (error) {
    client.terminate();
    throw error;
  }
}

let gpu: Promise<string> | undefined;

/**
 * This device's WebGPU adapter, as "vendor/architecture" or "no-webgpu". Asked
 * once: the answer can take a hundred milliseconds, so the page asks at start
 * (main.tsx), while the model pack loads.
 */
export function gpuIdentity(): Promise<string> {
  gpu ??= Promise.resolve(navigator.gpu?.requestAdapter())
    .catch(() => null)
    .then((adapter) => (adapter ? `${adapter.info.vendor}/${adapter.info.architecture}` : 'no-webgpu'));
  return gpu;
}

async function deviceKey(model: ModelEntry): Promise<string> {
  const gpu = await gpuIdentity();
  return `phase-one-backend:${model.name}@${model.version}:${model.sha256.slice(0, 12)}:${gpu}:${navigator.hardwareConcurrency}`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Infinity;

/** Runs both backends on the same inputs: do they agree, and which is faster? */
async function probe(
  model: ModelEntry,
  wasm: EdgeClient,
  webgpu: EdgeClient,
): Promise<{ agreed: boolean; difference: number; medianMs: Record<Backend, number> }> {
  let difference = 0;
  let agreed = true;
  for (const input of probeInputs(model)) {
    const [a, b] = await Promise.all([wasm.run(input), webgpu.run(input)]);
    const pa = softmax(a.logits);
    const pb = softmax(b.logits);
    if (argmax(pa) !== argmax(pb)) agreed = false;
    pa.forEach((p, i) => (difference = Math.max(difference, Math.abs(p - (pb[i] ?? 0)))));
  }
  const times: Record<Backend, number[]> = { wasm: [], webgpu: [] };
  const input = probeInputs(model)[0] ?? new Float32Array(784);
  // Alternate, so a noisy moment on the machine hits both backends alike.
  for (let round = 0; round < PROBE_ROUNDS; round++) {
    for (const [backend, client] of [
      ['wasm', wasm],
      ['webgpu', webgpu],
    ] as const) {
      const started = performance.now();
      await client.run(input);
      times[backend].push(performance.now() - started);
    }
  }
  return { agreed: agreed && difference <= AGREEMENT_TOLERANCE, difference, medianMs: { wasm: median(times.wasm), webgpu: median(times.webgpu) } };
}

/**
 * Starts phase one on the backend the settings force, or else the one
 * remembered for this device and model version, or else the one a short
 * probe finds faster among those that give the same answers as WASM.
 */
export async function startPhaseOne(model: ModelEntry, preference: BackendPreference, onProgress?: (p: DownloadProgress) => void): Promise<PhaseOne> {
  if (preference !== 'auto') {
    const opened = await open(model, preference, onProgress);
    return { ...opened, choice: { backend: preference, how: 'forced', reason: `set in settings` } };
  }
  const key = await deviceKey(model);
  const remembered = readChoice(key);
  if (remembered) {
    const opened = await open(model, remembered.backend, onProgress).catch(() => undefined);
    if (opened) return { ...opened, choice: { ...remembered, how: 'remembered' } };
  }
  const wasm = await open(model, 'wasm', onProgress);
  let choice: BackendChoice = { backend: 'wasm', how: 'probed', reason: 'this browser offers no WebGPU adapter' };
  if (!key.includes(':no-webgpu:')) {
    const webgpu = await open(model, 'webgpu').catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    if (webgpu instanceof Error) {
      choice = { ...choice, reason: `WebGPU failed to start: ${webgpu.message}` };
    } else {
      const result = await probe(model, wasm.client, webgpu.client);
      const faster: Backend = result.medianMs.webgpu < result.medianMs.wasm ? 'webgpu' : 'wasm';
      const backend: Backend = result.agreed ? faster : 'wasm';
      const reason = result.agreed
        ? `${faster} was faster: ${result.medianMs.wasm.toFixed(2)} ms on wasm, ${result.medianMs.webgpu.toFixed(2)} ms on webgpu`
        : `webgpu disagreed with wasm (probabilities differ by up to ${result.difference.toFixed(3)})`;
      choice = { backend, how: 'probed', reason, medianMs: result.medianMs };
      if (backend === 'webgpu') {
        wasm.client.terminate();
        writeChoice(key, choice);
        return { ...webgpu, choice };
      }
      webgpu.client.terminate();
    }
  }
  writeChoice(key, choice);
  return { ...wasm, choice };
}

function readChoice(key: string): BackendChoice | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(key) ?? 'null') as BackendChoice | null;
    return stored && (stored.backend === 'wasm' || stored.backend === 'webgpu') ? stored : undefined;
  } catch {
    return undefined;
  }
}

function writeChoice(key: string, choice: BackendChoice): void {
  localStorage.setItem(key, JSON.stringify(choice));
}
