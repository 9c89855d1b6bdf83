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

function mapRows(p: Prepared, f: (y: number, yHat: number) => number): Float64Array {
  const out = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) out[i] = f(p.y[i]!, p.yHat[i]!);
  return out;
}

const mae = (p: Prepared): number => npAverage(mapRows(p, (y, yHat) => Math.abs(yHat - y)), p.w);
const mse = (p: Prepared): number =>
  npAverage(
    mapRows(p, (y, yHat) => (y - yHat) * (y - yHat)),
    p.w,
  );
const mape = (p: Prepared): number =>
  npAverage(
    mapRows(p, (y, yHat) => Math.abs(yHat - y) / Math.max(Math.abs(y), FLOAT64_EPS)),
    p.w,
  );

function maxErr(p: Prepared): number {
  let m = 0;
  for (let i = 0; i < p.n; i++) {
    const e = Math.abs(p.y[i]! - p.yHat[i]!);
    if (e > m) m = e;
  }
  return m;
}

function r2(p: Prepared): number {
  if (p.n < 2) return NaN; // sklearn: "R^2 score is not well-defined with less than two samples."
  const { w } = p;
  const mean = npAverage(p.y, w);
  const res = mapRows(p, (y, yHat) => (y - yHat) * (y - yHat));
  const tot = p.y.map((y) => (y - mean) * (y - mean));
  if (w !== undefined) {
    for (let i = 0; i < p.n; i++) {
      res[i] = w[i]! * res[i]!;
      tot[i] = w[i]! * tot[i]!;
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
  return mae(prepare(yTrue, yPred, sampleWeights));
}

/** sklearn `mean_squared_error`. */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): number {
  return mse(prepare(yTrue, yPred, sampleWeights));
}

/** √MSE (sklearn `root_mean_squared_error`). */
export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): number {
  return Math.sqrt(mse(prepare(yTrue, yPred, sampleWeights)));
}

/**
 * sklearn `r2_score`: 1 − SS_res / SS_tot, weighted. When SS_tot = 0 it is 1.0 if SS_res = 0, else
 * 0.0; with fewer than two rows it is NaN.
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, sampleWeights?: ArrayLike<number> | null): number {
  return r2(prepare(yTrue, yPred, sampleWeights));
}

/** sklearn `max_error`: max |y − ŷ| (never weighted). */
export function maxError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return maxErr(prepare(yTrue, yPred));
}

/** sklearn `mean_absolute_percentage_error`: weighted mean of |y − ŷ| / max(|y|, 2.220446049250313e-16). */
export function meanAbsolutePercentageError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sampleWeights?: ArrayLike<number> | null,
): number {
  return mape(prepare(yTrue, yPred, sampleWeights));
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
  const squared = mse(p);
  return {
    example_count: p.n,
    mean_absolute_error: mae(p),
    mean_squared_error: squared,
    root_mean_squared_error: Math.sqrt(squared),
    sum_on_target: sum,
    mean_on_target: sum / p.n,
    r2_score: r2(p),
    max_error: maxErr(p),
    mean_absolute_percentage_error: mape(p),
  };
}
