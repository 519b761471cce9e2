import { describe, expect, it } from 'vitest';
import { cloudShare, shareText } from './cloud-share';

const curve = [
  { threshold: 0.9, escalated: 0.072 },
  { threshold: 0.5, escalated: 0.054 },
  { threshold: 0.72, escalated: 0.061 },
  { threshold: 0.999, escalated: 0.226 },
];

describe('the share of drawings sent to the cloud', () => {
  it('reads the curve at its points and between them', () => {
    expect(cloudShare(curve, 0.72)).toBeCloseTo(0.061);
    expect(cloudShare(curve, 0.81)).toBeCloseTo((0.061 + 0.072) / 2);
  });

  it('holds at the ends, and is unknown without a curve', () => {
    expect(cloudShare(curve, 0.2)).toBeCloseTo(0.054);
    expect(cloudShare(curve, 1)).toBeCloseTo(0.226);
    expect(cloudShare(undefined, 0.7)).toBeUndefined();
    expect(cloudShare([], 0.7)).toBeUndefined();
  });

  it('says it per hundred drawings', () => {
    expect(shareText(0.061)).toBe('About 6 in 100 drawings');
    expect(shareText(0.004)).toBe('Fewer than 1 in 100 drawings');
  });
});
