/**
 * About how many drawings a gate threshold sends to the full model, read
 * from the manifest's validation cascade (gate.chosen.curve), interpolated
 * between its points and held at its ends.
 */
export interface CurvePoint {
  readonly threshold: number;
  readonly escalated: number;
}

/** The share of drawings sent to the cloud at `threshold`; undefined without a curve. */
export function cloudShare(curve: readonly CurvePoint[] | undefined, threshold: number): number | undefined {
  if (!curve || curve.length === 0) return undefined;
  const points = [...curve].sort((a, b) => a.threshold - b.threshold);
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return undefined;
  if (threshold <= first.threshold) return first.escalated;
  if (threshold >= last.threshold) return last.escalated;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a && b && threshold <= b.threshold) {
      const t = (threshold - a.threshold) / (b.threshold - a.threshold || 1);
      return a.escalated + t * (b.escalated - a.escalated);
    }
  }
  return last.escalated;
}

/** "About 6 in 100 drawings", "Fewer than 1 in 100 drawings". */
export function shareText(share: number): string {
  const perHundred = Math.round(share * 100);
  return perHundred < 1 ? 'Fewer than 1 in 100 drawings' : `About ${perHundred} in 100 drawings`;
}
