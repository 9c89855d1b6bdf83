/**
 * Numeric building blocks shared by the metric modules: NumPy's summation order and a fast, stable
 * argsort for float64 keys. Internal to `metrics/`; not part of the public export list.
 */

const PW_BLOCKSIZE = 128;

/**
 * Sum of `a[start] … a[start + n - 1]` in exactly NumPy's order (`pairwise_sum_DOUBLE`, used by
 * `np.sum`, `np.mean`, `np.average` on contiguous float64 data), so that results agree with
 * scikit-learn to the last bit whenever the summands agree.
 */
export function pairwiseSum(a: Float64Array, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[start]!;
    let r1 = a[start + 1]!;
    let r2 = a[start + 2]!;
    let r3 = a[start + 3]!;
    let r4 = a[start + 4]!;
    let r5 = a[start + 5]!;
    let r6 = a[start + 6]!;
    let r7 = a[start + 7]!;
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const j = start + i;
      r0 += a[j]!;
      r1 += a[j + 1]!;
      r2 += a[j + 2]!;
      r3 += a[j + 3]!;
      r4 += a[j + 4]!;
      r5 += a[j + 5]!;
      r6 += a[j + 6]!;
      r7 += a[j + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.average(values, weights)`: Σ(v·w) / Σw with NumPy's summation, or the mean without weights. */
export function npAverage(values: Float64Array, weights?: Float64Array): number {
  if (weights === undefined) return pairwiseSum(values) / values.length;
  const products = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) products[i] = values[i]! * weights[i]!;
  return pairwiseSum(products) / pairwiseSum(weights);
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
const RADIX_BITS = 11;
const RADIX_SIZE = 1 << RADIX_BITS;
const RADIX_MASK = RADIX_SIZE - 1;
const RADIX_PASSES = 6; // 6 × 11 bits ≥ 64 bits

/** A stable ascending sort of float64 values: the permutation and the sorted values. */
export interface SortedValues {
  /** `order[j]` is the index of the j-th smallest value; equal values keep their index order. */
  order: Uint32Array;
  /** `sorted[j] = values[order[j]]` (with `-0` as `+0`). */
  sorted: Float64Array;
}

/**
 * Stable ascending sort of `values` — the permutation of `np.argsort(values, kind="mergesort")`.
 * Read it from the end for a descending order with ties in decreasing index order, which is
 * `np.argsort(values, kind="mergesort")[::-1]`.
 *
 * An LSD radix sort over the IEEE-754 bits (11-bit digits; a pass whose digit is the same for all
 * values is skipped) that moves keys with indices, so every pass reads sequentially: O(n), no
 * comparator calls, no per-element allocation. `-0` sorts as `+0`. Values must not be NaN (callers
 * validate their input first).
 */
export function sortWithOrder(values: ArrayLike<number>): SortedValues {
  const n = values.length;
  if (!LITTLE_ENDIAN || n < 256) return comparatorSort(values);
  // Each hot loop lives in its own small function, so V8 optimises it on its own and a scatter
  // pass compiled once serves every later pass (one big function deoptimises at each new loop).
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  let idx = new Uint32Array(n);
  buildKeys(values, lo, hi, idx);
  const counts = new Uint32Array(RADIX_SIZE * RADIX_PASSES);
  histogram(lo, hi, counts);
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  for (let pass = 0; pass < RADIX_PASSES; pass++) {
    const offsets = counts.subarray(pass * RADIX_SIZE, (pass + 1) * RADIX_SIZE);
    if (!prefixSums(offsets, n)) continue; // the digit is the same for every key
    const shift = pass * RADIX_BITS;
    if (shift + RADIX_BITS <= 32) scatterLow(lo, hi, idx, lo2, hi2, idx2, offsets, shift);
    else if (shift < 32) scatterCross(lo, hi, idx, lo2, hi2, idx2, offsets, shift);
    else scatterHigh(lo, hi, idx, lo2, hi2, idx2, offsets, shift - 32);
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  return { order: idx, sorted: decodeKeys(lo, hi) };
}

function comparatorSort(values: ArrayLike<number>): SortedValues {
  const n = values.length;
  const arr: number[] = [];
  for (let i = 0; i < n; i++) arr.push(i);
  arr.sort((a, b) => values[a]! - values[b]! || a - b);
  const order = Uint32Array.from(arr);
  const sorted = new Float64Array(n);
  for (let j = 0; j < n; j++) sorted[j] = values[order[j]!]! + 0;
  return { order, sorted };
}

/** Order-preserving unsigned keys: flip every bit of negatives, only the sign bit of the rest. */
function buildKeys(values: ArrayLike<number>, lo: Uint32Array, hi: Uint32Array, idx: Uint32Array): void {
  const scratch = new Float64Array(1);
  const bits = new Uint32Array(scratch.buffer);
  const n = lo.length;
  for (let i = 0; i < n; i++) {
    scratch[0] = values[i]! + 0; // +0 turns -0 into 0
    const l = bits[0]!;
    const h = bits[1]!;
    if (h & 0x80000000) {
      lo[i] = ~l >>> 0;
      hi[i] = ~h >>> 0;
    } else {
      lo[i] = l;
      hi[i] = (h | 0x80000000) >>> 0;
    }
    idx[i] = i;
  }
}

/** Counts of every digit of every pass, in one read of the keys. */
function histogram(lo: Uint32Array, hi: Uint32Array, counts: Uint32Array): void {
  const n = lo.length;
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    counts[l & RADIX_MASK]!++;
    counts[RADIX_SIZE + ((l >>> 11) & RADIX_MASK)]!++;
    counts[2 * RADIX_SIZE + (((l >>> 22) | (h << 10)) & RADIX_MASK)]!++;
    counts[3 * RADIX_SIZE + ((h >>> 1) & RADIX_MASK)]!++;
    counts[4 * RADIX_SIZE + ((h >>> 12) & RADIX_MASK)]!++;
    counts[5 * RADIX_SIZE + (h >>> 23)]!++;
  }
}

/** Turns counts into start offsets; false when one digit holds all n keys (nothing to do). */
function prefixSums(offsets: Uint32Array, n: number): boolean {
  let sum = 0;
  for (let d = 0; d < offsets.length; d++) {
    const c = offsets[d]!;
    if (c === n) return false;
    offsets[d] = sum;
    sum += c;
  }
  return true;
}

function scatterLow(
  lo: Uint32Array,
  hi: Uint32Array,
  idx: Uint32Array,
  lo2: Uint32Array,
  hi2: Uint32Array,
  idx2: Uint32Array,
  offsets: Uint32Array,
  shift: number,
): void {
  const n = lo.length;
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const p = offsets[(l >>> shift) & RADIX_MASK]!++;
    lo2[p] = l;
    hi2[p] = hi[i]!;
    idx2[p] = idx[i]!;
  }
}

function scatterCross(
  lo: Uint32Array,
  hi: Uint32Array,
  idx: Uint32Array,
  lo2: Uint32Array,
  hi2: Uint32Array,
  idx2: Uint32Array,
  offsets: Uint32Array,
  shift: number,
): void {
  const n = lo.length;
  const up = 32 - shift;
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    const p = offsets[((l >>> shift) | (h << up)) & RADIX_MASK]!++;
    lo2[p] = l;
    hi2[p] = h;
    idx2[p] = idx[i]!;
  }
}

function scatterHigh(
  lo: Uint32Array,
  hi: Uint32Array,
  idx: Uint32Array,
  lo2: Uint32Array,
  hi2: Uint32Array,
  idx2: Uint32Array,
  offsets: Uint32Array,
  shift: number,
): void {
  const n = lo.length;
  for (let i = 0; i < n; i++) {
    const h = hi[i]!;
    const p = offsets[(h >>> shift) & RADIX_MASK]!++;
    lo2[p] = lo[i]!;
    hi2[p] = h;
    idx2[p] = idx[i]!;
  }
}

/** The values back from their keys, in sorted order. */
function decodeKeys(lo: Uint32Array, hi: Uint32Array): Float64Array {
  const n = lo.length;
  const sorted = new Float64Array(n);
  const bits = new Uint32Array(sorted.buffer);
  for (let j = 0; j < n; j++) {
    const h = hi[j]!;
    if (h & 0x80000000) {
      bits[2 * j] = lo[j]!;
      bits[2 * j + 1] = h & 0x7fffffff;
    } else {
      bits[2 * j] = ~lo[j]! >>> 0;
      bits[2 * j + 1] = ~h >>> 0;
    }
  }
  return sorted;
}

/** The permutation of {@link sortWithOrder} alone. */
export function argsortStable(values: ArrayLike<number>): Uint32Array {
  return sortWithOrder(values).order;
}
