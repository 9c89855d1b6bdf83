/**
 * The default metric sets of MLflow's classifier evaluator (spec §2.2, §2.3), with MLflow's key
 * names, and the per-class rows of the multiclass `per_class_metrics` artifact.
 *
 * One deliberate difference from MLflow: `posLabel` is honoured everywhere — in the confusion
 * counts and `roc_auc` too, where MLflow takes the larger label. With the default `posLabel` (the
 * largest label) the numbers are MLflow's.
 *
 * Probabilities are an n × k row-major matrix (`probabilities[i * k + j]`), one column per label of
 * the sorted label list — scikit-learn's `predict_proba` / `classes_` order. The binary score is
 * the `posLabel` column.
 */
import { EvalflowError } from '../src/core/errors.js';
import { checkProbabilities, sampleWeightsOf } from './checks.js';
import { classCounts, precisionRecallF1FromCounts, type Average, type ClassCounts } from './classification.js';
import { encodeClassifierLabels, formatLabelList, type EncodedClassifierLabels, type Label } from './labels.js';
import { pairwiseSum } from './numeric.js';
import { logLossCoded } from './probabilities.js';
import {
  averagePrecisionOf,
  BinaryRanking,
  oneVsRestRankings,
  rocAucOf,
  rocAucOneVsRestOf,
} from './ranking.js';

/** Input of the classifier metric sets. */
export interface ClassifierMetricsInput {
  /** Target labels. */
  yTrue: ArrayLike<Label>;
  /** Predicted labels. */
  yPred: ArrayLike<Label>;
  /** MLflow's `label_list`; default: sorted unique labels of targets and predictions. */
  labelList?: readonly Label[] | null;
  /** MLflow's `sample_weights` (finite, ≥ 0): used by every metric except the confusion counts. */
  sampleWeights?: ArrayLike<number> | null;
  /**
   * Class probabilities, n × k row-major, columns in sorted label-list order; each row sums to 1
   * (within 1e-6). Without them the probability metrics are left out, as MLflow does for models
   * without `predict_proba`.
   */
  probabilities?: ArrayLike<number> | null;
}

/** Input of {@link binaryClassifierMetrics}. */
export interface BinaryClassifierMetricsInput extends ClassifierMetricsInput {
  /** MLflow's `pos_label`; default: the largest label. Must be one of the two labels. */
  posLabel?: Label | null;
}

/** Input of {@link multiclassClassifierMetrics}. */
export interface MulticlassClassifierMetricsInput extends ClassifierMetricsInput {
  /** MLflow's `average` for recall / precision / F1 (and `roc_auc` when macro or weighted). Default `'weighted'`. */
  average?: Exclude<Average, 'binary'>;
}

/** Input of {@link classifierMetrics}. */
export interface AnyClassifierMetricsInput extends ClassifierMetricsInput {
  /** Used when there are two labels (binary); ignored for multiclass, as in MLflow. */
  posLabel?: Label | null;
  /** Used when there are three or more labels (multiclass); binary metrics are always at `posLabel`. */
  average?: Exclude<Average, 'binary'>;
}

interface Prepared {
  enc: EncodedClassifierLabels;
  n: number;
  k: number;
  weights: Float64Array | undefined;
  counts: ClassCounts;
  probabilities: Float64Array | undefined;
  /** Sorted once and shared by the metrics, the curves and the per-class rows. */
  positiveRanking?: BinaryRanking;
  classRankings?: BinaryRanking[];
}

function prepare(input: ClassifierMetricsInput & { posLabel?: Label | null }): Prepared {
  const enc = encodeClassifierLabels(input);
  const n = enc.yTrue.length;
  const k = enc.labels.length;
  const weights = sampleWeightsOf(input.sampleWeights, n);
  const probabilities =
    input.probabilities === undefined || input.probabilities === null
      ? undefined
      : checkProbabilities(input.probabilities, n, k);
  return { enc, n, k, weights, counts: classCounts(enc.yTrue, enc.yPred, k, weights), probabilities };
}

function binaryMetricsOf(p: Prepared): Record<string, number> {
  const { enc, n, counts, weights } = p;
  const pos = enc.posIndex;
  const neg = 1 - pos;
  const cm = counts.confusion;
  const prf = precisionRecallF1FromCounts(counts, 'binary', pos);
  const metrics: Record<string, number> = {
    true_negatives: cm[neg * 2 + neg]!,
    false_positives: cm[neg * 2 + pos]!,
    false_negatives: cm[pos * 2 + neg]!,
    true_positives: cm[pos * 2 + pos]!,
    example_count: n,
    accuracy_score: counts.accuracy,
    recall_score: prf.recall,
    precision_score: prf.precision,
    f1_score: prf.f1,
  };
  if (p.probabilities !== undefined) {
    const proba = p.probabilities;
    metrics.log_loss = logLossCoded(enc.yTrue, proba, 2, weights);
    const isPos = new Uint8Array(n);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      isPos[i] = enc.yTrue[i] === pos ? 1 : 0;
      scores[i] = proba[2 * i + pos]!;
    }
    const ranking = new BinaryRanking(isPos, scores, weights);
    p.positiveRanking = ranking;
    // MLflow fails when the targets hold one class only; here roc_auc is left out instead.
    if (ranking.positives > 0 && ranking.negatives > 0) metrics.roc_auc = rocAucOf(ranking);
    metrics.precision_recall_auc = averagePrecisionOf(ranking);
  }
  return metrics;
}

function multiclassMetricsOf(p: Prepared, average: Exclude<Average, 'binary'>): Record<string, number> {
  const { enc, n, k, counts, weights } = p;
  const prf = precisionRecallF1FromCounts(counts, average);
  const metrics: Record<string, number> = {
    example_count: n,
    accuracy_score: counts.accuracy,
    recall_score: prf.recall,
    precision_score: prf.precision,
    f1_score: prf.f1,
  };
  if (p.probabilities !== undefined) {
    metrics.log_loss = logLossCoded(enc.yTrue, p.probabilities, k, weights);
    if (average === 'macro' || average === 'weighted') {
      const rankings = classRankingsOf(p) as BinaryRanking[];
      // MLflow fails when a class has no target rows (e.g. seen only in predictions); here
      // roc_auc is left out instead.
      if (rankings.every((r) => r.positives > 0 && r.negatives > 0)) {
        metrics.roc_auc = rocAucOneVsRestOf(rankings, average, enc.labels);
      }
    }
  }
  return metrics;
}

function classRankingsOf(p: Prepared): BinaryRanking[] | undefined {
  if (p.probabilities === undefined) return undefined;
  p.classRankings ??= oneVsRestRankings(p.enc.yTrue, p.probabilities, p.k, p.weights);
  return p.classRankings;
}

/** The metric set and what it computed on the way, so curves and per-class rows reuse its sorts. */
export interface ClassifierReport {
  metrics: Record<string, number>;
  labels: EncodedClassifierLabels;
  weights: Float64Array | undefined;
  /** n × k, label order, validated. */
  probabilities: Float64Array | undefined;
  /** Binary with probabilities: the positive class ranked by its probability. */
  positiveRanking: BinaryRanking | undefined;
  /** Multiclass with probabilities: one ranking per class against the rest (each sorted on first use). */
  classRankings(): BinaryRanking[] | undefined;
  /** Multiclass: the per-class rows; the AUC columns only when `withCurves`. */
  perClass(withCurves: boolean): PerClassMetricsRow[];
}

/** {@link classifierMetrics} with the labels, rankings and per-class rows it shares with the plots. */
export function classifierReport(input: AnyClassifierMetricsInput): ClassifierReport {
  const average = input.average ?? 'weighted';
  checkAverage(average);
  const p = prepare(input);
  const metrics = p.enc.binary ? binaryMetricsOf(p) : multiclassMetricsOf(p, average);
  return {
    metrics,
    labels: p.enc,
    weights: p.weights,
    probabilities: p.probabilities,
    positiveRanking: p.positiveRanking,
    classRankings: () => classRankingsOf(p),
    perClass: (withCurves) => perClassRowsOf(p, withCurves ? classRankingsOf(p) : undefined),
  };
}

function checkAverage(average: string): asserts average is Exclude<Average, 'binary'> {
  if (average !== 'micro' && average !== 'macro' && average !== 'weighted') {
    throw EvalflowError.invalid(
      `average must be one of 'micro', 'macro', 'weighted' for a multiclass classifier; got '${average}'.`,
      { average },
    );
  }
}

/**
 * MLflow's binary classifier metrics: `true_negatives`, `false_positives`, `false_negatives`,
 * `true_positives` (unweighted), `example_count`, `accuracy_score`, `recall_score`,
 * `precision_score`, `f1_score` (at `posLabel`), and with probabilities `log_loss`, `roc_auc`
 * (left out when the targets hold a single class) and `precision_recall_auc` (average precision).
 */
export function binaryClassifierMetrics(input: BinaryClassifierMetricsInput): Record<string, number> {
  const p = prepare(input);
  if (!p.enc.binary) {
    throw EvalflowError.invalid(
      `A binary classifier needs exactly two labels; got ${p.k}: ${formatLabelList(p.enc.labels)}.`,
      { labels: p.k },
    );
  }
  return binaryMetricsOf(p);
}

/**
 * MLflow's multiclass classifier metrics: `example_count`, `accuracy_score`, `recall_score`,
 * `precision_score`, `f1_score` (with `average`), and with probabilities `log_loss` and, for macro
 * or weighted averages, the one-vs-rest `roc_auc` (left out when a class has no target rows or
 * only target rows).
 */
export function multiclassClassifierMetrics(input: MulticlassClassifierMetricsInput): Record<string, number> {
  const average = input.average ?? 'weighted';
  checkAverage(average);
  const p = prepare({ ...input, posLabel: null });
  if (p.enc.binary) {
    throw EvalflowError.invalid(
      `A multiclass classifier needs three or more labels; got 2: ${formatLabelList(p.enc.labels)}. Use the binary metrics.`,
      { labels: p.k },
    );
  }
  return multiclassMetricsOf(p, average);
}

/** Binary metrics for two labels, multiclass metrics for more (spec §1 rule 2–3). */
export function classifierMetrics(input: AnyClassifierMetricsInput): Record<string, number> {
  const average = input.average ?? 'weighted';
  checkAverage(average);
  const p = prepare(input);
  return p.enc.binary ? binaryMetricsOf(p) : multiclassMetricsOf(p, average);
}

/** One row of MLflow's `per_class_metrics` table (spec §2.3). */
export interface PerClassMetricsRow {
  positive_class: Label;
  true_negatives: number;
  false_positives: number;
  false_negatives: number;
  true_positives: number;
  example_count: number;
  accuracy_score: number;
  recall_score: number;
  precision_score: number;
  f1_score: number;
  /** With probabilities: ROC AUC of this class against the rest; NaN when the class has no target rows or only target rows. */
  roc_auc?: number;
  /** With probabilities: average precision of this class against the rest. */
  precision_recall_auc?: number;
}

/**
 * Per-class rows: each class binarised against the rest. Counts are unweighted, scores weighted.
 * With probabilities, `roc_auc` and `precision_recall_auc` are added (MLflow adds them when it
 * draws the multiclass curves).
 */
export function perClassMetrics(input: ClassifierMetricsInput): PerClassMetricsRow[] {
  const p = prepare({ ...input, posLabel: null });
  return perClassRowsOf(p, classRankingsOf(p));
}

function perClassRowsOf(p: Prepared, rankings: BinaryRanking[] | undefined): PerClassMetricsRow[] {
  const { enc, n, k, counts, weights } = p;
  const rows: PerClassMetricsRow[] = [];
  const hits = weights === undefined ? undefined : new Float64Array(n);
  const totalWeight = weights === undefined ? n : pairwiseSum(weights);
  for (let c = 0; c < k; c++) {
    let tp = 0;
    let trueCount = 0;
    let predCount = 0;
    for (let j = 0; j < k; j++) {
      trueCount += counts.confusion[c * k + j]!;
      predCount += counts.confusion[j * k + c]!;
    }
    tp = counts.confusion[c * k + c]!;
    const fn = trueCount - tp;
    const fp = predCount - tp;
    const tn = n - tp - fn - fp;
    let accuracy: number;
    if (weights === undefined || hits === undefined) {
      accuracy = (tp + tn) / n;
    } else {
      for (let i = 0; i < n; i++) hits[i] = (enc.yTrue[i] === c) === (enc.yPred[i] === c) ? weights[i]! : 0;
      accuracy = pairwiseSum(hits) / totalWeight;
    }
    const binaryCounts: ClassCounts = {
      k: 1,
      n,
      confusion: new Float64Array(1),
      tp: Float64Array.of(counts.tp[c]!),
      predSum: Float64Array.of(counts.predSum[c]!),
      trueSum: Float64Array.of(counts.trueSum[c]!),
      present: Uint8Array.of(1),
      accuracy,
    };
    const prf = precisionRecallF1FromCounts(binaryCounts, 'binary', 0);
    const row: PerClassMetricsRow = {
      positive_class: enc.labels[c]!,
      true_negatives: tn,
      false_positives: fp,
      false_negatives: fn,
      true_positives: tp,
      example_count: n,
      accuracy_score: accuracy,
      recall_score: prf.recall,
      precision_score: prf.precision,
      f1_score: prf.f1,
    };
    const r = rankings?.[c];
    if (r !== undefined) {
      row.roc_auc = r.positives > 0 && r.negatives > 0 ? rocAucOf(r) : NaN;
      row.precision_recall_auc = averagePrecisionOf(r);
    }
    rows.push(row);
  }
  return rows;
}
