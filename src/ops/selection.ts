/**
 * What the dashboard shows: a model and version of the model pack, the source
 * of its predictions, a time range and a window size; and the defaults a
 * manifest gives (the cloud model, its newest version, its own source).
 */
import type { Manifest } from '../core/manifest';
import type { WindowName } from './api';
import { fittingWindow, type RangeId } from './range';

export const SOURCES = ['cloud', 'edge', 'batch', 'shadow'] as const;
export type Source = (typeof SOURCES)[number];

export interface Selection {
  readonly model: string;
  readonly version: string;
  readonly source: Source;
  readonly range: RangeId;
  readonly window: WindowName;
}

export function modelNames(manifest: Manifest): string[] {
  return [...new Set(manifest.models.map((m) => m.name))];
}

/** The versions the manifest lists for a model, newest first. */
export function versionsOf(manifest: Manifest, model: string): string[] {
  return manifest.models
    .filter((m) => m.name === model)
    .map((m) => m.version)
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
}

/** Where a model's own predictions come from: the edge model's from the devices, any other's from the server. */
export function sourceOf(manifest: Manifest, model: string): Source {
  return manifest.models.find((m) => m.name === model)?.role === 'edge' ? 'edge' : 'cloud';
}

/** A model chosen anew: its newest version and its own source, the range and window kept. */
export function withModel(manifest: Manifest, selection: Selection, model: string): Selection {
  return { ...selection, model, version: versionsOf(manifest, model)[0] ?? '', source: sourceOf(manifest, model) };
}

export function defaultSelection(manifest: Manifest): Selection {
  const model = manifest.models.find((m) => m.role === 'cloud')?.name ?? manifest.models[0]?.name ?? '';
  return withModel(manifest, { model, version: '', source: 'cloud', range: '24h', window: fittingWindow('24h', '1h') }, model);
}

/** The selection as a key: loads for one selection are never shown for another. */
export function selectionKey(selection: Selection): string {
  return JSON.stringify(selection);
}
