import { describe, expect, it } from 'vitest';
import { argsortStable, pairwiseSum, sortWithOrder } from '../../metrics/numeric.js';

function reference(values: ArrayLike<number>): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  return idx.sort((a, b) => values[a]! - values[b]! || a - b);
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('argsortStable', () => {
  it('matches a stable comparator sort on random data with ties, negatives and -0', () => {
    const r = rng(7);
    for (const n of [0, 1, 5, 255, 256, 1000, 20_000]) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const x = r();
        v[i] = x < 0.1 ? -0 : x < 0.2 ? 0 : x < 0.5 ? Math.round(x * 20) / 20 - 0.5 : (x - 0.5) * 1e6 * (r() - 0.5);
      }
      expect(Array.from(argsortStable(v)), `n=${n}`).toEqual(reference(v));
    }
  });

  it('returns the sorted values with the order', () => {
    const r = rng(11);
    const v = Array.from({ length: 3000 }, () => (r() - 0.3) * 10 ** Math.floor(r() * 10 - 5));
    v.push(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE);
    const { order, sorted } = sortWithOrder(v);
    for (let j = 0; j < v.length; j++) expect(sorted[j]).toBe(v[order[j]!]);
    for (let j = 1; j < v.length; j++) expect(sorted[j]! >= sorted[j - 1]!).toBe(true);
  });

  it('handles a constant array (every radix pass trivial)', () => {
    const v = new Float64Array(1000).fill(0.25);
    expect(Array.from(argsortStable(v))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('pairwiseSum', () => {
  it("adds in NumPy's pairwise order", () => {
    // 1e16 + 1 + 1 …: the order decides the result. np.sum gives 1.000000000000029e16 (NumPy 1.24);
    // a left-to-right sum stays at 1e16.
    const v = new Float64Array(300).fill(1);
    v[0] = 1e16;
    expect(pairwiseSum(v)).toBe(1.000000000000029e16);
    let naive = 0;
    for (const x of v) naive += x;
    expect(naive).toBe(1e16);
    expect(pairwiseSum(Float64Array.of(0.1, 0.2, 0.3))).toBe(0.1 + 0.2 + 0.3);
    expect(pairwiseSum(new Float64Array(0))).toBe(0);
  });
});
