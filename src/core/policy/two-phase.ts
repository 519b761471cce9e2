/**
 * Which phase answers. Modes follow hybrid-inference practice:
 * - prefer_on_device: the edge answers; when its gate fires and the app is
 *   online, the full model in the cloud answers instead (offline, the request waits).
 * - only_on_device: the edge alone, always.
 * - prefer_in_cloud: the cloud answers when online; the edge answers at once
 *   meanwhile, and alone when offline (the request waits for the cloud).
 * - only_in_cloud: the cloud alone; offline, the request waits.
 */
import type { EdgeVerdict } from '../math/gate';

export const INFERENCE_MODES = ['prefer_on_device', 'only_on_device', 'prefer_in_cloud', 'only_in_cloud'] as const;
export type InferenceMode = (typeof INFERENCE_MODES)[number];
export type AnswerSource = 'edge' | 'cloud' | 'cache';

export function isInferenceMode(value: unknown): value is InferenceMode {
  return typeof value === 'string' && (INFERENCE_MODES as readonly string[]).includes(value);
}

/** Whether to run the small model at all. */
export function runsOnDevice(mode: InferenceMode): boolean {
  return mode !== 'only_in_cloud';
}

/**
 * After the edge answered (or did not run): keep its answer, ask the cloud
 * now, or store the request to ask the cloud once online.
 */
export type NextStep = 'keep' | 'cloud' | 'queue';

export function nextStep(mode: InferenceMode, online: boolean, edge: EdgeVerdict | undefined): NextStep {
  const toCloud = (): NextStep => (online ? 'cloud' : 'queue');
  switch (mode) {
    case 'only_on_device':
      return 'keep';
    case 'prefer_on_device':
      if (!edge) return toCloud();
      return edge.escalate ? toCloud() : 'keep';
    case 'prefer_in_cloud':
    case 'only_in_cloud':
      return toCloud();
  }
}

/** When a cloud call fails: fall back to the edge answer if there is one, and keep the request for later. */
export function afterCloudFailure(edge: EdgeVerdict | undefined): { readonly answer: 'edge' | 'none'; readonly queue: true } {
  return { answer: edge ? 'edge' : 'none', queue: true };
}
