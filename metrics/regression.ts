/**
 * MLflow's regressor metrics (spec §2.1), as scikit-learn 1.2 and NumPy compute them, with
 * optional sample weights.
 */
import { checkNotEmpty, checkSameLength, finiteFloat64, sampleWeightsOf } from './checks.js';
import { FLOAT64_EPS } from './probabilities.js';
import { npAverage, pairwiseSum } from './numeric.js';

/** Validated regression input. */
interface Prepared {
  y: Float64Array;
  yHat: Float64Array;
  w: Float64Array | undefined;
  n: number;
}

function prepare(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): Prepared {
  checkSameLength('targets', yTrue.length, 'predictions', yPred.length);
  checkNotEmpty('regression metrics', yTrue.length);
  const y = finiteFloat64(yTrue, 'targets');
  const yHat = finiteFloat64(yPred, 'predictions');
  return { y, yHat, w: sampleWeightsOf(sampleWeights, y.length), n: y.length };
}

/** Per-row errors of one pass: |ŷ − y|, (y − ŷ)², |ŷ − y| / max(|y|, eps), and max |y − ŷ|. */
interface RowErrors {
  abs: Float64Array;
  squared: Float64Array;
  percentage: Float64Array;
  max: number;
}

function rowErrors(p: Prepared): RowErrors {
  const { y, yHat, n } = p;
  const abs = new Float64Array(n);
  const squared = new Float64Array(n);
  const percentage = new Float64Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i]!;
    const d = t - yHat[i]!;
    const a = Math.abs(d);
    abs[i] = a;
    squared[i] = d * d;
    const scale = Math.abs(t);
    percentage[i] = a / (scale > FLOAT64_EPS ? scale : FLOAT64_EPS);
    if (a > max) max = a;
  }
  return { abs, squared, percentage, max };
}

/** sklearn's r2 from the squared errors (reused as scratch: weighted in place). */
function r2From(p: Prepared, squared: Float64Array): number {
  if (p.n < 2) return NaN; // sklearn: "R^2 score is not well-defined with less than two samples."
  const { y, w, n } = p;
  const mean = npAverage(y, w);
  const res = new Float64Array(n);
  const tot = new Float64Array(n);
  if (w === undefined) {
    res.set(squared);
    for (let i = 0; i < n; i++) {
      const d = y[i]! - mean;
      tot[i] = d * d;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = y[i]! - mean;
      res[i] = w[i]! * squared[i]!;
      tot[i] = w[i]! * (d * d);
    }
  }
  const numerator = pairwiseSum(res);
  const denominator = pairwiseSum(tot);
  if (denominator === 0) return numerator === 0 ? 1 : 0;
  if (numerator === 0) return 1;
  return 1 - numerator / denominator;
}

function sumOnTarget(p: Prepared): number {
  if (p.w === undefined) {
    // MLflow uses Python's built-in sum(): left to right.
    let s = 0;
    for (let i = 0; i < p.n; i++) s += p.y[i]!;
    return s;
  }
  const prod = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) prod[i] = p.y[i]! * p.w[i]!;
  return pairwiseSum(prod);
}

/** sklearn `mean_absolute_error`. */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): number {
  const p = prepare(yTrue, yPred, sampleWeights);
  return npAverage(rowErrors(p).abs, p.w);
}

/** sklearn `mean_squared_error`. */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): number {
  const p = prepare(yTrue, yPred, sampleWeights);
  return npAverage(rowErrors(p).squared, p.w);
}

/** √MSE (sklearn `root_mean_squared_error`). */
export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, sampleWeights));
}

/**
 * sklearn `r2_score`: 1 − SS_res / SS_tot, weighted. When SS_tot = 0 it is 1.0 if SS_res = 0, else
 * 0.0; with fewer than two rows it is NaN.
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): number {
  const p = prepare(yTrue, yPred, sampleWeights);
  return r2From(p, rowErrors(p).squared);
}

/** sklearn `max_error`: max |y − ŷ| (never weighted). */
export function maxError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return rowErrors(prepare(yTrue, yPred)).max;
}

/** sklearn `mean_absolute_percentage_error`: weighted mean of |y − ŷ| / max(|y|, 2.220446049250313e-16). */
export function meanAbsolutePercentageError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sampleWeights?: ArrayLike<number> | null,
): number {
  const p = prepare(yTrue, yPred, sampleWeights);
  return npAverage(rowErrors(p).percentage, p.w);
}

/** Input of {@link regressorMetrics}. */
export interface RegressorMetricsInput {
  yTrue: ArrayLike<number>;
  yPred: ArrayLike<number>;
  /** MLflow's `sample_weights` (finite, ≥ 0): every metric but `example_count`, `max_error`. */
  sampleWeights?: ArrayLike<number> | null;
}

/**
 * MLflow's regressor metrics (spec §2.1): `example_count`, `mean_absolute_error`,
 * `mean_squared_error`, `root_mean_squared_error`, `sum_on_target`, `mean_on_target` (sum ÷ n,
 * even when weighted), `r2_score`, `max_error`, `mean_absolute_percentage_error`.
 */
export function regressorMetrics(input: RegressorMetricsInput): Record<string, number> {
  const p = prepare(input.yTrue, input.yPred, input.sampleWeights);
  const sum = sumOnTarget(p);
  const errors = rowErrors(p);
  const mse = npAverage(errors.squared, p.w);
  return {
    example_count: p.n,
    mean_absolute_error: npAverage(errors.abs, p.w),
    mean_squared_error: mse,
    root_mean_squared_error: Math.sqrt(mse),
    sum_on_target: sum,
    mean_on_target: sum / p.n,
    r2_score: r2From(p, errors.squared),
    max_error: errors.max,
    mean_absolute_percentage_error: npAverage(errors.percentage, p.w),
  };
}
