/**
 * Input validation shared by the metric modules. Every failure is an `EvalflowError` that names
 * the offending input and, for per-row problems, the row index.
 */
import { EvalflowError } from '../src/core/errors.js';

/** Throws unless `a` and `b` have the same length; the message names both lengths. */
export function checkSameLength(nameA: string, lengthA: number, nameB: string, lengthB: number): void {
  if (lengthA !== lengthB) {
    throw EvalflowError.invalid(
      `${nameA} and ${nameB} must have the same length; got ${lengthA} ${nameA} and ${lengthB} ${nameB}.`,
      { [nameA]: lengthA, [nameB]: lengthB },
    );
  }
}

/** Throws when there are no rows. */
export function checkNotEmpty(what: string, length: number): void {
  if (length === 0) {
    throw EvalflowError.invalid(`Cannot compute ${what} on an empty dataset (0 rows).`, { rows: 0 });
  }
}

/** Copies `values` to a Float64Array, throwing at the first element that is not a finite number. */
export function finiteFloat64(values: ArrayLike<number>, name: string): Float64Array {
  const n = values.length;
  const out = values instanceof Float64Array ? values : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw EvalflowError.invalid(`${name}[${i}] is ${describe(v)}; expected a finite number.`, {
        field: name,
        row: i,
      });
    }
    if (out !== values) out[i] = v;
  }
  return out;
}

/**
 * Sample weights as a Float64Array of length `n` (finite, ≥ 0, not all 0), or `undefined` when
 * none are given.
 */
export function sampleWeightsOf(weights: ArrayLike<number> | null | undefined, n: number): Float64Array | undefined {
  if (weights === undefined || weights === null) return undefined;
  checkSameLength('targets', n, 'sample weights', weights.length);
  const w = finiteFloat64(weights, 'sample_weights');
  let positive = false;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (v < 0) {
      throw EvalflowError.invalid(`sample_weights[${i}] is ${v}; expected a weight ≥ 0.`, {
        field: 'sample_weights',
        row: i,
      });
    }
    if (v > 0) positive = true;
  }
  if (!positive && n > 0) {
    throw EvalflowError.invalid('sample_weights are all 0; weighted metrics need a positive total weight.', {
      field: 'sample_weights',
    });
  }
  return w;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `a ${typeof v}`;
}

/** Row-sum tolerance of probability rows. */
export const PROBABILITY_SUM_TOLERANCE = 1e-6;

/**
 * Validates an n × k row-major probability matrix: length n·k, every value finite and within
 * [0, 1], every row summing to 1 within 1e-6. Returns it as a Float64Array.
 */
export function checkProbabilities(probabilities: ArrayLike<number>, n: number, k: number): Float64Array {
  if (probabilities.length !== n * k) {
    const rows = probabilities.length / k;
    throw EvalflowError.invalid(
      `probabilities must have ${n} rows × ${k} columns (one column per label) = ${n * k} values; got ${probabilities.length} values` +
        (Number.isInteger(rows) ? ` (${rows} rows of ${k}).` : ` (not a multiple of ${k}).`),
      { expected: n * k, got: probabilities.length, rows: n, columns: k },
    );
  }
  const p = probabilities instanceof Float64Array ? probabilities : new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const base = i * k;
    for (let j = 0; j < k; j++) {
      const v = probabilities[base + j]!;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw EvalflowError.invalid(
          `probabilities row ${i}, column ${j} is ${describe(v)}; expected a probability in [0, 1].`,
          { field: 'probabilities', row: i, column: j },
        );
      }
      if (p !== probabilities) p[base + j] = v;
      sum += v;
    }
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
      throw EvalflowError.invalid(
        `probabilities row ${i} sums to ${sum}; expected the ${k} class probabilities of a row to sum to 1 (within ${PROBABILITY_SUM_TOLERANCE}).`,
        { field: 'probabilities', row: i, sum },
      );
    }
  }
  return p;
}

/** Scores of one class: column `col` of an n × k row-major matrix. */
export function column(matrix: Float64Array, n: number, k: number, col: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = matrix[i * k + col]!;
  return out;
}
