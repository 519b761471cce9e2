/**
 * Isotonic regression against an independent oracle in the fixture script
 * (the min-max formula f_i = max_{j<=i} min_{k>=i} mean(y_j..y_k) on the
 * tie-pooled points; 1e-12 absolute, as the oracle's means come from prefix
 * sums), with predictions checked against numpy.interp on its breakpoints,
 * plus properties: monotone, compact, invariant to input order.
 */
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures/scipy';
import { fitIsotonic, predictIsotonic, type IsotonicModel } from './isotonic';

const fit = (c: (typeof fixtures.isotonic)[number]): IsotonicModel => fitIsotonic(c.x, c.y, c.weights ?? undefined);

function expectCompactAndMonotone(model: IsotonicModel): void {
  expect(model.y).toHaveLength(model.x.length);
  for (let i = 1; i < model.x.length; i++) {
    expect(model.x[i]).toBeGreaterThan(model.x[i - 1] ?? Infinity);
    expect(model.y[i]).toBeGreaterThanOrEqual(model.y[i - 1] ?? Infinity);
    // No interior breakpoint sits in the middle of a flat run.
    if (i + 1 < model.x.length) expect(model.y[i - 1] === model.y[i] && model.y[i] === model.y[i + 1]).toBe(false);
  }
}

describe('fitIsotonic', () => {
  it.each(fixtures.isotonic)('matches the min-max oracle: $name', (c) => {
    const model = fit(c);
    expectCompactAndMonotone(model);
    expect(model.x).toEqual(c.breakpointsX);
    model.y.forEach((y, i) => expect(Math.abs(y - (c.breakpointsY[i] ?? Number.NaN))).toBeLessThan(1e-12));
    c.uniqueX.forEach((x, i) => expect(Math.abs(predictIsotonic(model, x) - (c.fitted[i] ?? Number.NaN))).toBeLessThan(1e-12));
  });

  it.each(fixtures.isotonic)('predicts as numpy.interp on the breakpoints, clipped outside: $name', (c) => {
    const model = fit(c);
    c.queries.forEach((q, i) => expect(Math.abs(predictIsotonic(model, q) - (c.predictions[i] ?? Number.NaN))).toBeLessThan(1e-12));
  });

  it('does not depend on the order of the points', () => {
    const c = fixtures.isotonic.find((f) => f.name.startsWith('noisy')) ?? fixtures.isotonic[0];
    if (c === undefined) throw new Error('no isotonic fixture');
    const order = c.x.map((_, i) => i).reverse();
    const pick = (v: number[]): number[] => order.map((i) => v[i] ?? Number.NaN);
    const reversed = fitIsotonic(pick(c.x), pick(c.y), c.weights ? pick(c.weights) : undefined);
    const model = fit(c);
    expect(reversed.x).toEqual(model.x);
    reversed.y.forEach((y, i) => expect(y).toBeCloseTo(model.y[i] ?? Number.NaN, 12));
  });

  it('stays monotone on random data and minimizes squared error against a perturbed fit', () => {
    let seed = 7;
    const random = (): number => (seed = (48271 * seed) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 20; trial++) {
      const x = Array.from({ length: 30 }, () => Math.floor(random() * 15));
      const y = x.map((v) => v * 0.1 + random() - 0.5);
      const model = fitIsotonic(x, y);
      expectCompactAndMonotone(model);
      const loss = (f: (v: number) => number): number => x.reduce((s, v, i) => s + (f(v) - (y[i] ?? 0)) ** 2, 0);
      const f = (v: number): number => predictIsotonic(model, v);
      const best = loss(f);
      // Changes that keep the fit monotone can only do worse: raise the top half, lower the bottom half, shift all.
      const rivals = [
        (v: number) => f(v) + (v > 7 ? 0.05 : 0),
        (v: number) => f(v) - (v <= 7 ? 0.05 : 0),
        (v: number) => f(v) + 0.02,
        (v: number) => f(v) - 0.02,
      ];
      for (const rival of rivals) expect(loss(rival)).toBeGreaterThanOrEqual(best - 1e-12);
    }
  });

  it('ignores zero weights and refuses bad input', () => {
    expect(fitIsotonic([0, 1, 2], [5, 0, 1], [0, 1, 1])).toEqual({ x: [1, 2], y: [0, 1] });
    expect(() => fitIsotonic([1, 2], [1])).toThrow(RangeError);
    expect(() => fitIsotonic([1], [1], [0])).toThrow(RangeError);
    expect(() => fitIsotonic([1, Number.NaN], [1, 2])).toThrow(RangeError);
    expect(() => fitIsotonic([1, 2], [1, 2], [1, -1])).toThrow(RangeError);
  });
});

describe('predictIsotonic', () => {
  it('interpolates between breakpoints and clips beyond them', () => {
    const model: IsotonicModel = { x: [0, 1, 3], y: [0.1, 0.5, 0.9] };
    expect(predictIsotonic(model, -5)).toBe(0.1);
    expect(predictIsotonic(model, 0.5)).toBeCloseTo(0.3, 15);
    expect(predictIsotonic(model, 2)).toBeCloseTo(0.7, 15);
    expect(predictIsotonic(model, 3)).toBe(0.9);
    expect(predictIsotonic(model, 99)).toBe(0.9);
    expect(predictIsotonic({ x: [2], y: [0.4] }, 7)).toBe(0.4);
  });
});
