/**
 * Class-probability matrices and the log loss.
 *
 * A probability matrix is row-major: `probabilities[i * k + j]` is the probability that row i
 * belongs to `labels[j]`, with `labels` the sorted label list (scikit-learn's `classes_` order).
 */
import { EvalflowError } from '../src/core/errors.js';
import { checkProbabilities, column, describe, sampleWeightsOf } from './checks.js';
import { encodeLabels, type Label, compareLabels, formatLabelList } from './labels.js';
import { npAverage, pairwiseSum } from './numeric.js';

/** Float64 machine epsilon, sklearn's `eps="auto"` clipping bound for float64 probabilities. */
export const FLOAT64_EPS = 2.220446049250313e-16;

/** Flattens rows of class probabilities (`[[p0, p1, …], …]`) into a row-major Float64Array. */
export function toProbabilityMatrix(rows: ReadonlyArray<ArrayLike<number>>): Float64Array {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== k) {
      throw EvalflowError.invalid(
        `probabilities row ${i} has ${row.length} values; expected ${k} like row 0 (one per label).`,
        { field: 'probabilities', row: i, expected: k, got: row.length },
      );
    }
    for (let j = 0; j < k; j++) {
      const v = row[j]!;
      if (typeof v !== 'number') {
        throw EvalflowError.invalid(`probabilities row ${i}, column ${j} is ${describe(v)}; expected a number.`, {
          field: 'probabilities',
          row: i,
          column: j,
        });
      }
      out[i * k + j] = v;
    }
  }
  return out;
}

/** Column `j` (the scores of `labels[j]`) of an n × k row-major probability matrix. */
export function probabilityColumn(probabilities: ArrayLike<number>, k: number, j: number): Float64Array {
  if (!Number.isInteger(k) || k < 1 || j < 0 || j >= k || probabilities.length % k !== 0) {
    throw EvalflowError.invalid(`Cannot take column ${j} of a matrix of ${probabilities.length} values with ${k} columns.`);
  }
  const n = probabilities.length / k;
  return column(probabilities instanceof Float64Array ? probabilities : Float64Array.from(probabilities), n, k, j);
}

/**
 * Log loss from class indices and a validated n × k matrix, as scikit-learn 1.2: probabilities
 * clipped to [eps, 1 − eps] (eps = float64 epsilon), rows renormalised, mean of −log p(true class),
 * weighted by `np.average` when weights are given.
 */
export function logLossCoded(yTrue: Int32Array, probabilities: Float64Array, k: number, weights?: Float64Array): number {
  const n = yTrue.length;
  const hi = 1 - FLOAT64_EPS;
  const losses = new Float64Array(n);
  if (k === 2) {
    for (let i = 0; i < n; i++) {
      let a = probabilities[2 * i]!;
      let b = probabilities[2 * i + 1]!;
      a = a < FLOAT64_EPS ? FLOAT64_EPS : a > hi ? hi : a;
      b = b < FLOAT64_EPS ? FLOAT64_EPS : b > hi ? hi : b;
      const s = a + b;
      losses[i] = -Math.log((yTrue[i] === 0 ? a : b) / s);
    }
  } else {
    const row = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const base = i * k;
      for (let j = 0; j < k; j++) {
        const v = probabilities[base + j]!;
        row[j] = v < FLOAT64_EPS ? FLOAT64_EPS : v > hi ? hi : v;
      }
      losses[i] = -Math.log(row[yTrue[i]!]! / pairwiseSum(row, 0, k));
    }
  }
  return npAverage(losses, weights);
}

/**
 * sklearn `log_loss(y_true, probabilities, labels=labels, sample_weight)`.
 *
 * @param probabilities n × k row-major, columns in the order of `labels` sorted (NumPy order).
 * @param labels the class list (MLflow's `label_list`); at least two labels, sorted here.
 */
export function logLoss(
  yTrue: ArrayLike<Label>,
  probabilities: ArrayLike<number>,
  labels: readonly Label[],
  sampleWeights?: ArrayLike<number> | null,
): number {
  const n = yTrue.length;
  if (n === 0) throw EvalflowError.invalid('Cannot compute log_loss on an empty dataset (0 rows).', { rows: 0 });
  const sorted = [...labels].sort(compareLabels);
  if (sorted.length < 2) {
    throw EvalflowError.invalid(
      `The labels array needs to contain at least two labels for log_loss, got ${formatLabelList(sorted)}.`,
    );
  }
  const codes = encodeLabels(yTrue, sorted, 'targets');
  const p = checkProbabilities(probabilities, n, sorted.length);
  return logLossCoded(codes, p, sorted.length, sampleWeightsOf(sampleWeights, n));
}
