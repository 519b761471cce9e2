/**
 * The dashboard's colours as the stylesheet sets them (custom properties on
 * :root, light or dark by prefers-color-scheme), resolved to rgb() by the
 * browser, for what CSS cannot colour: chart canvases and the shading of
 * table cells. Follows a change of scheme.
 */
import { useSyncExternalStore } from 'react';

const DARK = '(prefers-color-scheme: dark)';

export interface Palette {
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly card: string;
  readonly accuracy: string;
  readonly band: string;
  readonly estimate: string;
  readonly labelled: string;
  /** Confusion cells: none of the row's predictions, and all of them. */
  readonly heatLow: string;
  readonly heatHigh: string;
  /** Drift cells: no sign of drift, close to the threshold, drifted. */
  readonly driftNone: string;
  readonly driftNear: string;
  readonly driftDrifted: string;
}

const cache = new Map<string, Palette>();

function read(scheme: string): Palette {
  const cached = cache.get(scheme);
  if (cached) return cached;
  const style = getComputedStyle(document.documentElement);
  // The browser resolves each colour to rgb(): the built stylesheet may write it as #fff or a name.
  const probe = document.createElement('span');
  document.body.append(probe);
  const v = (name: string) => {
    probe.style.color = style.getPropertyValue(`--ops-${name}`).trim();
    return getComputedStyle(probe).color;
  };
  const palette: Palette = {
    text: v('text'),
    muted: v('muted'),
    grid: v('grid'),
    card: v('card'),
    accuracy: v('accent'),
    band: v('band'),
    estimate: v('estimate'),
    labelled: v('labelled'),
    heatLow: v('heat-low'),
    heatHigh: v('heat-high'),
    driftNone: v('drift-none'),
    driftNear: v('drift-near'),
    driftDrifted: v('drift-drifted'),
  };
  probe.remove();
  cache.set(scheme, palette);
  return palette;
}

function subscribe(onChange: () => void): () => void {
  const query = matchMedia(DARK);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

export function usePalette(): Palette {
  const scheme = useSyncExternalStore(subscribe, () => (matchMedia(DARK).matches ? 'dark' : 'light'));
  return read(scheme);
}

/** The red, green and blue of an `rgb(r, g, b)` colour, as the palette holds them. */
function channels(colour: string): number[] {
  const found = colour.match(/\d+(\.\d+)?/g) ?? [];
  return [0, 1, 2].map((i) => Number(found[i] ?? 0));
}

/** A colour between two of the palette's colours: t = 0 gives `from`, 1 gives `to`. */
export function mix(from: string, to: string, t: number): string {
  const [a, b] = [channels(from), channels(to)];
  const k = Math.min(1, Math.max(0, t));
  const [r, g, bl] = a.map((c, i) => Math.round(c + ((b[i] ?? c) - c) * k));
  return `rgb(${r}, ${g}, ${bl})`;
}
