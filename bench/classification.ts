/**
 * Speed of the classifier metric sets on large inputs (`evalflow/metrics`).
 *
 * `benchClassification(n)` times MLflow's binary metric set with probabilities (confusion counts,
 * accuracy, recall, precision, F1, log_loss, roc_auc, precision_recall_auc) on n rows, plus a few
 * related workloads, and returns the timings. Run it alone with `npx tsx bench/classification.ts [n]`.
 *
 * The data: targets 0/1 (a plain `number[]`, as parsed from CSV/JSON), scores
 * p = clip(0.6·u + 0.4·y, 0, 1) rounded to 6 decimals (ties, like real model output), predictions
 * p ≥ 0.5, probabilities a row-major Float64Array [1 − p, p]. The scikit-learn baseline on the same
 * kind of data (`/usr/bin/python3`, Debian's scikit-learn):
 *
 * ```python
 * import time, numpy as np
 * from sklearn import metrics as m
 * n = 1_000_000; rng = np.random.default_rng(0)
 * y = rng.integers(0, 2, n); p = np.round(np.clip(rng.random(n) * 0.6 + 0.4 * y, 0, 1), 6)
 * proba = np.column_stack([1 - p, p]); yp = (p >= 0.5).astype(int); labels = np.array([0, 1])
 * t = time.perf_counter()
 * tn, fp, fn, tp = m.confusion_matrix(y, yp, labels=labels).ravel()
 * m.accuracy_score(y, yp); m.recall_score(y, yp, pos_label=1); m.precision_score(y, yp, pos_label=1)
 * m.f1_score(y, yp, pos_label=1); m.log_loss(y, proba, labels=labels)
 * m.roc_auc_score(y, proba[:, 1]); m.average_precision_score(y, proba[:, 1], pos_label=1)
 * print(time.perf_counter() - t)
 * ```
 */
import { pathToFileURL } from 'node:url';
import {
  binaryClassifierMetrics,
  multiclassClassifierMetrics,
  precisionRecallCurve,
  regressorMetrics,
  rocCurve,
} from '../metrics/index.js';
import { uniform } from './harness.js';

/** Timings of one workload, in milliseconds. */
export interface BenchTiming {
  /** The first run (includes JIT warm-up). */
  firstMs: number;
  /** The fastest of all runs. */
  bestMs: number;
}

/** Result of {@link benchClassification}. */
export interface ClassificationBenchResult {
  rows: number;
  repeats: number;
  /** `binaryClassifierMetrics` with probabilities: the acceptance workload. */
  binaryWithProbabilities: BenchTiming;
  /** `binaryClassifierMetrics` on labels only. */
  binaryLabelsOnly: BenchTiming;
  /** `multiclassClassifierMetrics` with 5 classes and probabilities (macro roc_auc: 5 sorts). */
  multiclassWithProbabilities: BenchTiming;
  /** `rocCurve` + `precisionRecallCurve` of the positive class. */
  curves: BenchTiming;
  /** `regressorMetrics`. */
  regressor: BenchTiming;
}


function time(repeats: number, fn: () => unknown): BenchTiming {
  let firstMs = 0;
  let bestMs = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    if (r === 0) firstMs = ms;
    bestMs = Math.min(bestMs, ms);
  }
  return { firstMs: round(firstMs), bestMs: round(bestMs) };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** Times the classifier (and regressor) metric sets on `n` rows. */
export function benchClassification(n = 1_000_000, options: { repeats?: number } = {}): ClassificationBenchResult {
  const repeats = Math.max(1, options.repeats ?? 3);
  const rand = uniform(20251123);

  const yTrue: number[] = new Array<number>(n);
  const yPred: number[] = new Array<number>(n);
  const probabilities = new Float64Array(2 * n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = rand() < 0.5 ? 0 : 1;
    const p = Math.round(Math.min(1, Math.max(0, rand() * 0.6 + 0.4 * y)) * 1e6) / 1e6;
    yTrue[i] = y;
    yPred[i] = p >= 0.5 ? 1 : 0;
    probabilities[2 * i] = 1 - p;
    probabilities[2 * i + 1] = p;
    scores[i] = p;
  }

  const k = 5;
  const mcTrue: number[] = new Array<number>(n);
  const mcPred: number[] = new Array<number>(n);
  const mcProba = new Float64Array(k * n);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const y = Math.floor(rand() * k);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      row[j] = Math.exp(rand() * 2 + (j === y ? 1.5 : 0));
      sum += row[j]!;
    }
    let best = 0;
    for (let j = 0; j < k; j++) {
      mcProba[i * k + j] = row[j]! / sum;
      if (row[j]! > row[best]!) best = j;
    }
    mcTrue[i] = y;
    mcPred[i] = best;
  }

  const regTrue = new Float64Array(n);
  const regPred = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    regTrue[i] = rand() * 100;
    regPred[i] = regTrue[i]! + (rand() - 0.5) * 10;
  }

  return {
    rows: n,
    repeats,
    binaryWithProbabilities: time(repeats, () => binaryClassifierMetrics({ yTrue, yPred, probabilities })),
    binaryLabelsOnly: time(repeats, () => binaryClassifierMetrics({ yTrue, yPred })),
    multiclassWithProbabilities: time(repeats, () =>
      multiclassClassifierMetrics({ yTrue: mcTrue, yPred: mcPred, probabilities: mcProba, average: 'macro' }),
    ),
    curves: time(repeats, () => {
      rocCurve(yTrue, scores, { posLabel: 1 });
      precisionRecallCurve(yTrue, scores, { posLabel: 1 });
    }),
    regressor: time(repeats, () => regressorMetrics({ yTrue: regTrue, yPred: regPred })),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(benchClassification(n), null, 2));
}
