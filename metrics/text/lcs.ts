/** Longest common subsequences of token-id sequences, on reused typed arrays. */

let row = new Int32Array(64);
let table = new Int32Array(64 * 64);

/** The length of the LCS of `a` and `b`, in O(|a|·|b|) time and O(|b|) memory. */
export function lcsLength(a: readonly number[], b: readonly number[]): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return 0;
  if (row.length < n + 1) row = new Int32Array(Math.max(n + 1, row.length * 2));
  const prev = row;
  prev.fill(0, 0, n + 1);
  for (let i = 0; i < m; i += 1) {
    const ai = a[i];
    // prev[j] holds the row above; `diagonal` the value above-left before it is overwritten.
    let diagonal = 0;
    for (let j = 1; j <= n; j += 1) {
      const above = prev[j] as number;
      if (b[j - 1] === ai) prev[j] = diagonal + 1;
      else {
        const left = prev[j - 1] as number;
        if (left > above) prev[j] = left;
      }
      diagonal = above;
    }
  }
  return prev[n] as number;
}

/**
 * The positions in `ref` of one LCS of `ref` and `can`, chosen as rouge_score's `_backtrack_norec` chooses them:
 * from the end, take a match; otherwise move left when the cell to the left is larger, else up. Marks them in `marks`.
 */
export function markLcsPositions(ref: readonly number[], can: readonly number[], marks: Uint8Array): void {
  const m = ref.length;
  const n = can.length;
  if (m === 0 || n === 0) return;
  const width = n + 1;
  const size = (m + 1) * width;
  if (table.length < size) table = new Int32Array(Math.max(size, table.length * 2));
  const t = table;
  t.fill(0, 0, width);
  for (let i = 1; i <= m; i += 1) {
    const base = i * width;
    const above = base - width;
    t[base] = 0;
    const r = ref[i - 1];
    for (let j = 1; j <= n; j += 1) {
      if (r === can[j - 1]) t[base + j] = (t[above + j - 1] as number) + 1;
      else {
        const up = t[above + j] as number;
        const left = t[base + j - 1] as number;
        t[base + j] = up > left ? up : left;
      }
    }
  }
  let i = m;
  let j = n;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      marks[i - 1] = 1;
      i -= 1;
      j -= 1;
    } else if ((t[i * width + j - 1] as number) > (t[(i - 1) * width + j] as number)) {
      j -= 1;
    } else {
      i -= 1;
    }
  }
}
