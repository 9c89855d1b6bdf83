/**
 * Formats like Python's `f"{x:.{digits}f}"`: exact ties round half to even (0.0625 → "0.062",
 * where `toFixed` gives "0.063"), and NaN / ±Infinity print as "nan" / "inf" / "-inf".
 */
export function formatFixed(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const s = x.toFixed(digits);
  // A tie needs the exact decimal expansion to be ...d5000…; toFixed(digits + 30) is exact
  // enough for any double of magnitude ≥ 1e-12 to tell a tie from a near-tie.
  if (Math.abs(x) >= 1e21) return s;
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 30));
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(tail)) return s;
  // Exact tie: toFixed rounded away from zero; go to the even neighbour instead.
  const kept = exact.slice(0, dot + 1 + digits);
  const lastDigit = Number(kept[kept.length - 1] === '.' ? kept[kept.length - 2] : kept[kept.length - 1]);
  if (lastDigit % 2 === 0) {
    return (x < 0 ? '-' : '') + (digits === 0 ? kept.slice(0, -1) : kept);
  }
  return s;
}

/** Python truthiness of a label value: 0, "", false, null and undefined are falsy (NaN is truthy). */
export function isTruthyLabel(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  return true;
}

/** `str(value)` for the label types evaluators use. */
export function labelToString(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}
