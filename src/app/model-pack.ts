/** The model pack's manifest, as the page loads it from its own origin. */
import { parseManifest, type Manifest } from '../core/manifest';

export const MANIFEST_URL = '/models/manifest.json';

/** Fetches and validates the model pack's manifest; a bad manifest fails with the field named. */
export async function fetchManifest(url = MANIFEST_URL): Promise<Manifest> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`model manifest: ${url} answered ${response.status}`);
  return parseManifest(await response.json());
}

let startup: Promise<Manifest> | undefined;

/** The manifest the app starts with, fetched once; main.tsx asks for it before React renders. */
export function startupManifest(): Promise<Manifest> {
  startup ??= fetchManifest();
  return startup;
}
