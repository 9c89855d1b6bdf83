/**
 * Score-based metrics, as scikit-learn 1.2 computes them: ROC curve and ROC AUC (binary and
 * one-vs-rest), precision-recall curve, average precision, and MLflow's lift curve.
 *
 * Everything derives from one sort of the scores (`sortWithOrder`), shared by all the metrics of a
 * class through {@link BinaryRanking}.
 */
import { EvalflowError } from '../src/core/errors.js';
import { checkNotEmpty, checkProbabilities, checkSameLength, column, finiteFloat64, sampleWeightsOf } from './checks.js';
import { encodeLabelPair, formatLabel, formatLabelList, indexOfLabel, labelList, type Label } from './labels.js';
import { pairwiseSum, sortWithOrder, type SortedValues } from './numeric.js';

/**
 * sklearn's `_binary_clf_curve`: (weighted) false and true positive counts at each distinct score,
 * thresholds decreasing. Rows of weight 0 are left out, as sklearn does.
 */
export interface ClfCurve {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

/** One class of a binary problem: who is positive, the scores, and the score order. */
export class BinaryRanking {
  /** 1 for a positive row. */
  readonly isPos: Uint8Array;
  readonly scores: Float64Array;
  readonly weights: Float64Array | undefined;
  /** Unweighted positive and negative counts. */
  readonly positives: number;
  readonly negatives: number;
  private sortCache: SortedValues | undefined;
  private curveCache: ClfCurve | undefined;

  constructor(isPos: Uint8Array, scores: Float64Array, weights?: Float64Array) {
    this.isPos = isPos;
    this.scores = scores;
    this.weights = weights;
    let p = 0;
    for (let i = 0; i < isPos.length; i++) p += isPos[i]!;
    this.positives = p;
    this.negatives = isPos.length - p;
  }

  /** Rows by ascending score, stable (`np.argsort(kind="mergesort")`), with the sorted scores. */
  get sorted(): SortedValues {
    this.sortCache ??= sortWithOrder(this.scores);
    return this.sortCache;
  }

  get curve(): ClfCurve {
    this.curveCache ??= clfCurve(this);
    return this.curveCache;
  }
}

function clfCurve(r: BinaryRanking): ClfCurve {
  const { isPos, weights } = r;
  const { order, sorted } = r.sorted;
  const n = order.length;
  const fps = new Float64Array(n);
  const tps = new Float64Array(n);
  const thresholds = new Float64Array(n);
  let m = 0;
  let tp = 0;
  let fp = 0;
  let kept = 0;
  let prev = 0;
  if (weights === undefined) {
    for (let j = n - 1; j >= 0; j--) {
      const s = sorted[j]!;
      if (kept > 0 && s !== prev) {
        tps[m] = tp;
        fps[m] = kept - tp; // 1 + threshold index − tps
        thresholds[m++] = prev;
      }
      tp += isPos[order[j]!]!;
      prev = s;
      kept++;
    }
    if (kept > 0) {
      tps[m] = tp;
      fps[m] = kept - tp;
      thresholds[m++] = prev;
    }
  } else {
    for (let j = n - 1; j >= 0; j--) {
      const i = order[j]!;
      const w = weights[i]!;
      if (w === 0) continue;
      const s = sorted[j]!;
      if (kept > 0 && s !== prev) {
        tps[m] = tp;
        fps[m] = fp;
        thresholds[m++] = prev;
      }
      if (isPos[i]) tp += w;
      else fp += w;
      prev = s;
      kept++;
    }
    if (kept > 0) {
      tps[m] = tp;
      fps[m] = fp;
      thresholds[m++] = prev;
    }
  }
  return { fps: fps.subarray(0, m), tps: tps.subarray(0, m), thresholds: thresholds.subarray(0, m) };
}

/** An ROC curve (sklearn `roc_curve`). */
export interface RocCurve {
  /** False positive rate, increasing from 0. NaN everywhere when there are no negatives. */
  fpr: Float64Array;
  /** True positive rate, increasing from 0. NaN everywhere when there are no positives. */
  tpr: Float64Array;
  /** Decreasing; `thresholds[0]` is the largest score + 1 (scikit-learn 1.2; later versions use +∞). */
  thresholds: Float64Array;
}

/** `roc_curve` from a ranking; `dropIntermediate` drops collinear points as sklearn does by default. */
export function rocCurveOf(r: BinaryRanking, dropIntermediate = true): RocCurve {
  let { fps, tps, thresholds } = r.curve;
  const m = fps.length;
  if (dropIntermediate && m > 2) {
    const keep = new Uint32Array(m);
    let kept = 0;
    keep[kept++] = 0;
    for (let i = 1; i < m - 1; i++) {
      const df = fps[i + 1]! - fps[i]! - (fps[i]! - fps[i - 1]!);
      const dt = tps[i + 1]! - tps[i]! - (tps[i]! - tps[i - 1]!);
      if (df !== 0 || dt !== 0) keep[kept++] = i;
    }
    keep[kept++] = m - 1;
    const f = new Float64Array(kept);
    const t = new Float64Array(kept);
    const th = new Float64Array(kept);
    for (let dst = 0; dst < kept; dst++) {
      const src = keep[dst]!;
      f[dst] = fps[src]!;
      t[dst] = tps[src]!;
      th[dst] = thresholds[src]!;
    }
    fps = f;
    tps = t;
    thresholds = th;
  }
  const len = fps.length + 1;
  const fpr = new Float64Array(len);
  const tpr = new Float64Array(len);
  const thr = new Float64Array(len);
  const fLast = fps.length > 0 ? fps[fps.length - 1]! : 0;
  const tLast = tps.length > 0 ? tps[tps.length - 1]! : 0;
  thr[0] = (thresholds[0] ?? 0) + 1;
  for (let i = 1; i < len; i++) {
    fpr[i] = fps[i - 1]! / fLast;
    tpr[i] = tps[i - 1]! / tLast;
    thr[i] = thresholds[i - 1]!;
  }
  if (!(fLast > 0)) fpr.fill(NaN);
  if (!(tLast > 0)) tpr.fill(NaN);
  return { fpr, tpr, thresholds: thr };
}

/** Binary ROC AUC from a ranking; throws unless both classes occur in the targets. */
export function rocAucOf(r: BinaryRanking): number {
  if (r.positives === 0 || r.negatives === 0) {
    throw EvalflowError.invalid('Only one class present in y_true. ROC AUC score is not defined in that case.', {
      positives: r.positives,
      negatives: r.negatives,
    });
  }
  // auc(roc_curve(drop_intermediate=True)) without materialising the curve: the trapezoid terms
  // of the kept points, in order, summed as NumPy sums them.
  const { fps, tps } = r.curve;
  const m = fps.length;
  const fLast = fps[m - 1]!;
  const tLast = tps[m - 1]!;
  const terms = new Float64Array(m);
  let count = 0;
  let px = 0;
  let py = 0;
  for (let i = 0; i < m; i++) {
    if (i > 0 && i < m - 1) {
      const df = fps[i + 1]! - fps[i]! - (fps[i]! - fps[i - 1]!);
      const dt = tps[i + 1]! - tps[i]! - (tps[i]! - tps[i - 1]!);
      if (df === 0 && dt === 0 && m > 2) continue;
    }
    const x = fps[i]! / fLast;
    const y = tps[i]! / tLast;
    terms[count++] = ((x - px) * (y + py)) / 2.0;
    px = x;
    py = y;
  }
  // fpr never decreases (weights are ≥ 0), so sklearn's direction is +1.
  return pairwiseSum(terms, 0, count);
}

/** A precision-recall curve (sklearn `precision_recall_curve`). */
export interface PrecisionRecallCurve {
  /** Ends with 1. */
  precision: Float64Array;
  /** Decreasing, ends with 0. All 1 before the final 0 when there are no positives. */
  recall: Float64Array;
  /** Increasing; one fewer than `precision`. */
  thresholds: Float64Array;
}

/** `precision_recall_curve` from a ranking, in scikit-learn 1.2's order (recall decreasing). */
export function precisionRecallCurveOf(r: BinaryRanking): PrecisionRecallCurve {
  const { fps, tps, thresholds } = r.curve;
  const m = fps.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thr = new Float64Array(m);
  const total = m > 0 ? tps[m - 1]! : 0;
  for (let j = 0; j < m; j++) {
    const src = m - 1 - j;
    const ps = tps[src]! + fps[src]!;
    precision[j] = ps !== 0 ? tps[src]! / ps : 0;
    recall[j] = total === 0 ? 1 : tps[src]! / total;
    thr[j] = thresholds[src]!;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

/** Average precision Σ(Rₙ − Rₙ₋₁)·Pₙ over distinct thresholds (sklearn `average_precision_score`). */
export function averagePrecisionOf(r: BinaryRanking): number {
  // −Σ diff(recall)·precision[:-1] over precision_recall_curve's output, computed in place.
  const { fps, tps } = r.curve;
  const m = fps.length;
  const total = tps[m - 1]!;
  const terms = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const src = m - 1 - j;
    const ps = tps[src]! + fps[src]!;
    const precision = ps !== 0 ? tps[src]! / ps : 0;
    const recall = total === 0 ? 1 : tps[src]! / total;
    const next = j === m - 1 ? 0 : total === 0 ? 1 : tps[src - 1]! / total;
    terms[j] = (next - recall) * precision;
  }
  return -pairwiseSum(terms);
}

/** Lift curve points of one class (MLflow's `plot_lift_curve`). */
export interface LiftCurve {
  /** Share of rows read so far, (i + 1) / n. */
  fractions: Float64Array;
  /** Cumulative gain ÷ fraction: (positives among the top i + 1 rows / all positives) / fraction. */
  lift: Float64Array;
}

/**
 * Lift of one class over rows sorted by its score, highest first; ties in score keep the later row
 * first (`np.argsort(kind="mergesort")[::-1]`; MLflow's default argsort leaves tie order unspecified).
 */
export function liftCurveOf(r: BinaryRanking): LiftCurve {
  if (r.positives === 0) {
    throw EvalflowError.invalid('Cannot compute a lift curve for a class with no positive rows in the targets.');
  }
  const { order } = r.sorted;
  const n = order.length;
  const fractions = new Float64Array(n);
  const lift = new Float64Array(n);
  const total = r.positives;
  let cum = 0;
  for (let j = 0; j < n; j++) {
    cum += r.isPos[order[n - 1 - j]!]!;
    const fraction = (j + 1) / n;
    fractions[j] = fraction;
    lift[j] = cum / total / fraction;
  }
  return { fractions, lift };
}

/**
 * Lift of the other class of a binary problem, whose scores are 1 − this ranking's scores (binary probabilities),
 * walking this ranking's sort from the low end instead of sorting again. Rows with equal scores keep row order,
 * where `liftCurveOf` on the other class would put the later row first; MLflow leaves that order unspecified.
 */
export function complementLiftCurveOf(r: BinaryRanking): LiftCurve {
  if (r.negatives === 0) {
    throw EvalflowError.invalid('Cannot compute a lift curve for a class with no positive rows in the targets.');
  }
  const { order } = r.sorted;
  const n = order.length;
  const fractions = new Float64Array(n);
  const lift = new Float64Array(n);
  const total = r.negatives;
  let cum = 0;
  for (let j = 0; j < n; j++) {
    cum += 1 - r.isPos[order[j]!]!;
    const fraction = (j + 1) / n;
    fractions[j] = fraction;
    lift[j] = cum / total / fraction;
  }
  return { fractions, lift };
}

// ---------------------------------------------------------------------------------------------
// Public functions on labels and scores.

/** Options of the binary score functions. */
export interface BinaryScoreOptions {
  /** The positive label. Default: the largest target label, which needs ≤ 2 distinct targets. */
  posLabel?: Label | null;
  /** Per-row weights (finite, ≥ 0). */
  sampleWeights?: ArrayLike<number> | null;
}

/** Builds the ranking of a binary problem from labels and scores (validated). */
export function binaryRanking(
  yTrue: ArrayLike<Label>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): BinaryRanking {
  checkSameLength('targets', yTrue.length, 'scores', scores.length);
  checkNotEmpty('score metrics', yTrue.length);
  const s = finiteFloat64(scores, 'scores');
  const present = labelList(yTrue);
  let pos: Label;
  if (options.posLabel === undefined || options.posLabel === null) {
    if (present.length > 2) {
      throw EvalflowError.invalid(
        `The targets have ${present.length} labels ${formatLabelList(present)}; give posLabel to score one of them against the rest.`,
      );
    }
    pos = present[present.length - 1]!;
  } else {
    pos = options.posLabel;
    if (present.length >= 2 && indexOfLabel(present, pos) < 0) {
      throw EvalflowError.invalid(
        `pos_label=${formatLabel(pos)} is not a valid label. It should be one of ${formatLabelList(present)}`,
        { posLabel: pos },
      );
    }
  }
  const n = yTrue.length;
  const isPos = new Uint8Array(n);
  for (let i = 0; i < n; i++) isPos[i] = yTrue[i] === pos ? 1 : 0;
  return new BinaryRanking(isPos, s, sampleWeightsOf(options.sampleWeights, n));
}

/** sklearn `roc_auc_score` of a binary problem (the positive is `posLabel`, default the largest label). */
export function rocAuc(yTrue: ArrayLike<Label>, scores: ArrayLike<number>, options: BinaryScoreOptions = {}): number {
  return rocAucOf(binaryRanking(yTrue, scores, options));
}

/** sklearn `average_precision_score` (MLflow's `precision_recall_auc`). */
export function averagePrecision(
  yTrue: ArrayLike<Label>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  return averagePrecisionOf(binaryRanking(yTrue, scores, options));
}

/** sklearn `roc_curve` (`drop_intermediate=True` unless `dropIntermediate: false`). */
export function rocCurve(
  yTrue: ArrayLike<Label>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions & { dropIntermediate?: boolean } = {},
): RocCurve {
  return rocCurveOf(binaryRanking(yTrue, scores, options), options.dropIntermediate ?? true);
}

/** sklearn `precision_recall_curve`. */
export function precisionRecallCurve(
  yTrue: ArrayLike<Label>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): PrecisionRecallCurve {
  return precisionRecallCurveOf(binaryRanking(yTrue, scores, options));
}

/** Lift curve of `posLabel` scored by `scores` (unweighted, as MLflow's). */
export function liftCurve(
  yTrue: ArrayLike<Label>,
  scores: ArrayLike<number>,
  options: { posLabel?: Label | null } = {},
): LiftCurve {
  return liftCurveOf(binaryRanking(yTrue, scores, { posLabel: options.posLabel ?? null }));
}

/** The lift curve of one class of a probability matrix. */
export interface ClassLiftCurve extends LiftCurve {
  label: Label;
}

/** Options of the functions on probability matrices. */
export interface ProbabilityOptions {
  /** Column order of the probabilities, sorted; default: sorted unique target labels. */
  labelList?: readonly Label[] | null;
  sampleWeights?: ArrayLike<number> | null;
}

function encodeTargets(yTrue: ArrayLike<Label>, labelListOpt: readonly Label[] | null | undefined) {
  const enc = encodeLabelPair(yTrue, yTrue, labelListOpt);
  return { labels: enc.labels, codes: enc.yTrue };
}

/** Rankings of every class against the rest, one per column of the probability matrix. */
export function oneVsRestRankings(
  codes: Int32Array,
  probabilities: Float64Array,
  k: number,
  weights?: Float64Array,
): BinaryRanking[] {
  const n = codes.length;
  const out: BinaryRanking[] = [];
  for (let c = 0; c < k; c++) {
    const isPos = new Uint8Array(n);
    for (let i = 0; i < n; i++) isPos[i] = codes[i] === c ? 1 : 0;
    out.push(new BinaryRanking(isPos, column(probabilities, n, k, c), weights));
  }
  return out;
}

/**
 * One-vs-rest multiclass ROC AUC (sklearn `roc_auc_score(multi_class="ovr")`), averaged `macro`
 * (plain mean) or `weighted` (by each class's weighted support). Throws when a class has no
 * positive or no negative target.
 */
export function rocAucOneVsRestOf(
  rankings: readonly BinaryRanking[],
  average: 'macro' | 'weighted',
  labels: readonly Label[],
): number {
  const k = rankings.length;
  const scores = new Float64Array(k);
  rankings.forEach((r, c) => {
    if (r.positives === 0 || r.negatives === 0) {
      throw EvalflowError.invalid(
        `One-vs-rest ROC AUC is not defined: class ${formatLabel(labels[c]!)} has ${r.positives === 0 ? 'no' : 'only'} rows in the targets.`,
        { label: labels[c], positives: r.positives, negatives: r.negatives },
      );
    }
    scores[c] = rocAucOf(r);
  });
  if (average === 'macro') return pairwiseSum(scores) / k;
  const support = new Float64Array(k);
  rankings.forEach((r, c) => {
    let s = 0;
    for (let i = 0; i < r.isPos.length; i++) if (r.isPos[i]) s += r.weights === undefined ? 1 : r.weights[i]!;
    support[c] = s;
  });
  const total = pairwiseSum(support);
  if (Math.abs(total) <= 1e-8) return 0; // np.isclose(sum, 0)
  const prod = new Float64Array(k);
  for (let c = 0; c < k; c++) prod[c] = support[c] === 0 ? 0 : scores[c]! * support[c]!;
  return pairwiseSum(prod) / total;
}

/**
 * Multiclass one-vs-rest ROC AUC from labels and an n × k probability matrix (columns in sorted
 * label order). `average` defaults to `'macro'`.
 */
export function multiclassRocAuc(
  yTrue: ArrayLike<Label>,
  probabilities: ArrayLike<number>,
  options: ProbabilityOptions & { average?: 'macro' | 'weighted' } = {},
): number {
  const { labels, codes } = encodeTargets(yTrue, options.labelList);
  const k = labels.length;
  const p = checkProbabilities(probabilities, codes.length, k);
  const w = sampleWeightsOf(options.sampleWeights, codes.length);
  return rocAucOneVsRestOf(oneVsRestRankings(codes, p, k, w), options.average ?? 'macro', labels);
}

/**
 * Lift curves of every class of a probability matrix (spec §3), each over the rows sorted by that
 * class's probability. A class with no positive target is an error.
 */
export function liftCurves(
  yTrue: ArrayLike<Label>,
  probabilities: ArrayLike<number>,
  options: { labelList?: readonly Label[] | null } = {},
): ClassLiftCurve[] {
  const { labels, codes } = encodeTargets(yTrue, options.labelList);
  const k = labels.length;
  const p = checkProbabilities(probabilities, codes.length, k);
  return oneVsRestRankings(codes, p, k).map((r, c) => {
    if (r.positives === 0) {
      throw EvalflowError.invalid(
        `Cannot compute a lift curve for class ${formatLabel(labels[c]!)}: it never occurs in the targets.`,
        { label: labels[c] },
      );
    }
    return { label: labels[c]!, ...liftCurveOf(r) };
  });
}
