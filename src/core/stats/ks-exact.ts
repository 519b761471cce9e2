/**
 * Exact null probabilities of the two-sample two-sided K-S statistic, as SciPy
 * 1.10 computes them: P(D_{m,n} >= h/lcm(m,n)) counted on lattice paths
 * from (0,0) to (m,n) (Hodges 1958).
 */

/**
 * m = n: 2 Σ_k (-1)^(k+1) C(2n, n-kh)/C(2n, n), each ratio a product of h
 * simple factors, nested Horner-like so no large binomial is formed and
 * there is no subtractive cancellation.
 */
export function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * m ≠ n: the share of paths that leave the band |x/m - y/n| < h/lcm, by
 * Hodges' inside method rewritten to carry 1 - p directly (Viehmann 2021,
 * arXiv:2102.08037), keeping one sliding column of the lattice.
 * `g` is gcd(m, n); `h` the statistic times lcm(m, n).
 */
export function probabilityOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxj - minj;
  const column = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  column.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastMinj = minj;
    const lastLength = currentLength;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      value = ((column[jj + minj - lastMinj] ?? 0) * i + value * j) / (i + j);
      column[jj] = value;
    }
    currentLength = maxj - minj;
    // Cells that fall out of the band's top edge are outside it: probability 1.
    if (lastLength > currentLength) column.fill(1, maxj - minj, maxj - minj + (lastLength - currentLength));
  }
  return column[maxj - minj - 1] ?? Number.NaN;
}
