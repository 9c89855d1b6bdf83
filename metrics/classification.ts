/**
 * Label-based classification metrics, as scikit-learn 1.2 computes them: confusion matrix,
 * accuracy, precision / recall / F1 with `average` binary | micro | macro | weighted and
 * `zero_division=0`, optional sample weights.
 *
 * The `…Coded` functions work on class indices (see `encodeLabelPair`) so that a metric set encodes
 * its labels once; the others take labels.
 */
import { EvalflowError } from '../src/core/errors.js';
import { sampleWeightsOf } from './checks.js';
import { encodeLabelPair, formatLabelList, indexOfLabel, type Label } from './labels.js';
import { pairwiseSum } from './numeric.js';

/** Averaging of per-class precision / recall / F1 (scikit-learn's `average`). */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/** Per-class sufficient statistics of a labelling, in one pass over the rows. */
export interface ClassCounts {
  /** Number of classes. */
  k: number;
  /** Rows. */
  n: number;
  /** Unweighted confusion counts, k × k row-major (row = true class, column = predicted). */
  confusion: Float64Array;
  /** Weighted (or, without weights, unweighted) true positives per class. */
  tp: Float64Array;
  /** Weighted predicted count per class. */
  predSum: Float64Array;
  /** Weighted true count per class (support). */
  trueSum: Float64Array;
  /** Whether the class occurs in the targets or the predictions (unweighted). */
  present: Uint8Array;
  /** Accuracy (weighted when weights are given). */
  accuracy: number;
}

/** One pass over class indices: confusion counts, per-class sums, accuracy. */
export function classCounts(
  yTrue: Int32Array,
  yPred: Int32Array,
  k: number,
  weights?: Float64Array,
): ClassCounts {
  const n = yTrue.length;
  const confusion = new Float64Array(k * k);
  for (let i = 0; i < n; i++) confusion[yTrue[i]! * k + yPred[i]!]!++;
  const tp = new Float64Array(k);
  const predSum = new Float64Array(k);
  const trueSum = new Float64Array(k);
  const present = new Uint8Array(k);
  let accuracy: number;
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c * k + c]!;
  if (weights === undefined) {
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) {
        const v = confusion[t * k + p]!;
        trueSum[t]! += v;
        predSum[p]! += v;
      }
      tp[t] = confusion[t * k + t]!;
    }
    accuracy = correct / n;
  } else {
    // bincount order (rows in order), as sklearn's multilabel_confusion_matrix sums them.
    const hits = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = yTrue[i]!;
      const p = yPred[i]!;
      const w = weights[i]!;
      trueSum[t]! += w;
      predSum[p]! += w;
      if (t === p) {
        tp[t]! += w;
        hits[i] = w;
      }
    }
    accuracy = pairwiseSum(hits) / pairwiseSum(weights);
  }
  for (let c = 0; c < k; c++) {
    let seen = false;
    for (let j = 0; j < k; j++) {
      if (confusion[c * k + j]! > 0 || confusion[j * k + c]! > 0) seen = true;
    }
    present[c] = seen ? 1 : 0;
  }
  return { k, n, confusion, tp, predSum, trueSum, present, accuracy };
}

/** Precision, recall and F1 of one averaging. */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

function divide(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

function f1Of(p: number, r: number): number {
  const denom = p + r;
  return (2 * p * r) / (denom === 0 ? 1 : denom);
}

/**
 * scikit-learn's `precision_recall_fscore_support` (β = 1, `zero_division=0`) from per-class sums.
 * `posIndex` is the positive class for `average: 'binary'`; macro and weighted averages run over
 * the classes present in targets or predictions, as sklearn does without `labels`.
 */
export function precisionRecallF1FromCounts(counts: ClassCounts, average: Average, posIndex = -1): PrecisionRecallF1 {
  const { k } = counts;
  // sklearn's MCM: fp = pred − tp, fn = true − tp, then pred = tp + fp, true = tp + fn.
  let classes: number[];
  if (average === 'binary') {
    classes = posIndex >= 0 && posIndex < k ? [posIndex] : [];
  } else {
    classes = [];
    for (let c = 0; c < k; c++) if (counts.present[c]) classes.push(c);
  }
  const m = classes.length;
  const tp = new Float64Array(m);
  const pred = new Float64Array(m);
  const tru = new Float64Array(m);
  classes.forEach((c, j) => {
    const t = counts.tp[c]!;
    tp[j] = t;
    pred[j] = t + (counts.predSum[c]! - t);
    tru[j] = t + (counts.trueSum[c]! - t);
  });
  if (m === 0) return { precision: 0, recall: 0, f1: 0 };
  if (average === 'micro' || average === 'binary') {
    const tps = average === 'micro' ? pairwiseSum(tp) : tp[0]!;
    const preds = average === 'micro' ? pairwiseSum(pred) : pred[0]!;
    const trues = average === 'micro' ? pairwiseSum(tru) : tru[0]!;
    const precision = divide(tps, preds);
    const recall = divide(tps, trues);
    return { precision, recall, f1: f1Of(precision, recall) };
  }
  const precision = new Float64Array(m);
  const recall = new Float64Array(m);
  const f1 = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    precision[j] = divide(tp[j]!, pred[j]!);
    recall[j] = divide(tp[j]!, tru[j]!);
    f1[j] = f1Of(precision[j]!, recall[j]!);
  }
  if (average === 'macro') {
    return {
      precision: pairwiseSum(precision) / m,
      recall: pairwiseSum(recall) / m,
      f1: pairwiseSum(f1) / m,
    };
  }
  // weighted by support
  const total = pairwiseSum(tru);
  if (total === 0) return { precision: 0, recall: 0, f1: 0 };
  const weighted = (values: Float64Array): number => {
    const prod = new Float64Array(m);
    for (let j = 0; j < m; j++) prod[j] = values[j]! * tru[j]!;
    return pairwiseSum(prod) / total;
  };
  return { precision: weighted(precision), recall: weighted(recall), f1: weighted(f1) };
}

/** Options shared by the label-based metrics. */
export interface LabelMetricOptions {
  /** Class list (MLflow's `label_list`); default: sorted unique labels of targets and predictions. */
  labelList?: readonly Label[] | null;
  /** Per-row weights (finite, ≥ 0). */
  sampleWeights?: ArrayLike<number> | null;
}

/** A confusion matrix with its label order. */
export interface ConfusionMatrix {
  /** Row and column order (sorted label list). */
  labels: Label[];
  /** `matrix[i][j]` = (weighted) count of rows with true label i predicted as j, or its normalised value. */
  matrix: number[][];
}

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions extends LabelMetricOptions {
  /** `'true'`: rows sum to 1 (MLflow's artifact); `'pred'`: columns; `'all'`: the whole matrix. Rows/columns of zeros stay 0. */
  normalize?: 'true' | 'pred' | 'all' | null;
}

/** Confusion matrix from class indices (sklearn `confusion_matrix`). */
export function confusionMatrixCoded(
  yTrue: Int32Array,
  yPred: Int32Array,
  k: number,
  weights?: Float64Array,
  normalize?: 'true' | 'pred' | 'all' | null,
): number[][] {
  const cells = new Float64Array(k * k);
  const n = yTrue.length;
  if (weights === undefined) {
    for (let i = 0; i < n; i++) cells[yTrue[i]! * k + yPred[i]!]!++;
  } else {
    for (let i = 0; i < n; i++) cells[yTrue[i]! * k + yPred[i]!]! += weights[i]!;
  }
  const matrix: number[][] = [];
  for (let t = 0; t < k; t++) matrix.push(Array.from(cells.subarray(t * k, t * k + k)));
  if (normalize === 'true') {
    for (const row of matrix) {
      const s = pairwiseSum(Float64Array.from(row));
      for (let j = 0; j < k; j++) row[j] = s === 0 ? 0 : row[j]! / s;
    }
  } else if (normalize === 'pred') {
    for (let j = 0; j < k; j++) {
      const col = new Float64Array(k);
      for (let t = 0; t < k; t++) col[t] = matrix[t]![j]!;
      const s = pairwiseSum(col);
      for (let t = 0; t < k; t++) matrix[t]![j] = s === 0 ? 0 : matrix[t]![j]! / s;
    }
  } else if (normalize === 'all') {
    const s = pairwiseSum(cells);
    for (const row of matrix) for (let j = 0; j < k; j++) row[j] = s === 0 ? 0 : row[j]! / s;
  }
  return matrix;
}

/** sklearn `confusion_matrix(y_true, y_pred, labels=label_list, sample_weight, normalize)`. */
export function confusionMatrix(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: ConfusionMatrixOptions = {},
): ConfusionMatrix {
  const enc = encodeLabelPair(yTrue, yPred, options.labelList);
  const w = sampleWeightsOf(options.sampleWeights, yTrue.length);
  return {
    labels: enc.labels,
    matrix: confusionMatrixCoded(enc.yTrue, enc.yPred, enc.labels.length, w, options.normalize),
  };
}

/** sklearn `accuracy_score(y_true, y_pred, sample_weight)`: the (weighted) share of exact matches. */
export function accuracyScore(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: { sampleWeights?: ArrayLike<number> | null } = {},
): number {
  const enc = encodeLabelPair(yTrue, yPred);
  const w = sampleWeightsOf(options.sampleWeights, yTrue.length);
  return classCounts(enc.yTrue, enc.yPred, enc.labels.length, w).accuracy;
}

/** Options of the precision / recall / F1 functions. */
export interface PrecisionRecallOptions extends LabelMetricOptions {
  /** Default: `'binary'` with two labels or fewer, `'weighted'` (MLflow's default) with more. */
  average?: Average;
  /** Positive label of `average: 'binary'`; default: the largest label. */
  posLabel?: Label | null;
}

/**
 * sklearn `precision_recall_fscore_support(y_true, y_pred, average, pos_label, sample_weight,
 * zero_division=0)`: precision, recall and F1 in one pass.
 */
export function precisionRecallF1(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: PrecisionRecallOptions = {},
): PrecisionRecallF1 {
  const enc = encodeLabelPair(yTrue, yPred, options.labelList);
  const k = enc.labels.length;
  const average = options.average ?? (k <= 2 ? 'binary' : 'weighted');
  let posIndex = -1;
  if (average === 'binary') {
    if (k > 2) {
      throw EvalflowError.invalid(
        `average 'binary' needs at most two labels, but there are ${k}: ${formatLabelList(enc.labels)}. ` +
          "Use 'micro', 'macro' or 'weighted'.",
        { labels: k },
      );
    }
    if (options.posLabel === undefined || options.posLabel === null) {
      posIndex = k - 1;
    } else {
      posIndex = indexOfLabel(enc.labels, options.posLabel);
      if (posIndex < 0 && k === 2) {
        throw EvalflowError.invalid(
          `pos_label=${String(options.posLabel)} is not a valid label. It should be one of ${formatLabelList(enc.labels)}`,
          { posLabel: options.posLabel },
        );
      }
    }
  } else if (!['micro', 'macro', 'weighted'].includes(average)) {
    throw EvalflowError.invalid(`average must be one of 'binary', 'micro', 'macro', 'weighted'; got '${String(average)}'.`);
  }
  const w = sampleWeightsOf(options.sampleWeights, yTrue.length);
  return precisionRecallF1FromCounts(classCounts(enc.yTrue, enc.yPred, k, w), average, posIndex);
}

/** sklearn `precision_score` (`zero_division=0`). */
export function precisionScore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: PrecisionRecallOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, options).precision;
}

/** sklearn `recall_score` (`zero_division=0`). */
export function recallScore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: PrecisionRecallOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, options).recall;
}

/** sklearn `f1_score` (`zero_division=0`). */
export function f1Score(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: PrecisionRecallOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, options).f1;
}
