import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  binaryClassifierMetrics,
  classifierMetrics,
  confusionMatrix,
  liftCurve,
  liftCurves,
  precisionRecallCurve,
  probabilityColumn,
  rocAuc,
  rocCurve,
  toProbabilityMatrix,
  type Label,
} from '../../metrics/index.js';
import { breastCancer, expectAllClose, expectClose, expectMetrics, fixture, type ClassifierInputJson } from './helpers.js';

interface Curve {
  [k: string]: Array<number | null>;
}
interface BinaryCase {
  name: string;
  input: ClassifierInputJson;
  expected: {
    labels: Label[];
    posLabel: Label;
    metrics: Record<string, number | null>;
    confusionNormalized: number[][];
    confusionCounts: number[][];
    curves?: { roc?: Curve; rocAll?: Curve; pr: Curve };
    lift?: Array<{ label: Label; fractions: number[]; lift: number[] }>;
  };
}

const data = fixture<BinaryCase>('classification_binary.json');

function inputOf(c: BinaryCase) {
  const base = c.input.csv !== undefined ? breastCancer() : c.input;
  return {
    yTrue: base.yTrue!,
    yPred: base.yPred!,
    posLabel: c.input.posLabel ?? null,
    labelList: c.input.labelList ?? null,
    sampleWeights: c.input.sampleWeights ?? null,
    probabilities: base.probabilities === undefined ? null : toProbabilityMatrix(base.probabilities),
  };
}

describe(`binary classifier metrics vs scikit-learn ${data.meta.sklearn}`, () => {
  it('has the fixture cases', () => {
    expect(data.cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of data.cases) {
    describe(c.name, () => {
      const input = inputOf(c);

      it('computes the MLflow metric set', () => {
        expectMetrics(binaryClassifierMetrics(input), c.expected.metrics, c.name);
      });

      it('gives the same numbers through classifierMetrics()', () => {
        expectMetrics(classifierMetrics(input), c.expected.metrics, c.name);
      });

      it('computes the normalised weighted confusion matrix and the raw counts', () => {
        const cm = confusionMatrix(input.yTrue, input.yPred, {
          labelList: input.labelList,
          sampleWeights: input.sampleWeights,
          normalize: 'true',
        });
        expect(cm.labels).toEqual(c.expected.labels);
        cm.matrix.forEach((row, i) => expectAllClose(row, c.expected.confusionNormalized[i]!, `cm[${i}]`));
        expect(confusionMatrix(input.yTrue, input.yPred, { labelList: input.labelList }).matrix).toEqual(
          c.expected.confusionCounts,
        );
      });

      const curves = c.expected.curves;
      if (curves !== undefined && input.probabilities !== null) {
        const pos = c.expected.posLabel;
        const scores = probabilityColumn(input.probabilities, 2, c.expected.labels.indexOf(pos));
        const opts = { posLabel: pos, sampleWeights: input.sampleWeights };

        it('computes roc_curve (drop_intermediate on and off)', () => {
          const roc = rocCurve(input.yTrue, scores, opts);
          expectAllClose(roc.fpr, curves.roc!.fpr!, 'fpr');
          expectAllClose(roc.tpr, curves.roc!.tpr!, 'tpr');
          expectAllClose(roc.thresholds, curves.roc!.thresholds!, 'thresholds');
          const all = rocCurve(input.yTrue, scores, { ...opts, dropIntermediate: false });
          expectAllClose(all.fpr, curves.rocAll!.fpr!, 'fpr');
          expectAllClose(all.tpr, curves.rocAll!.tpr!, 'tpr');
          expectAllClose(all.thresholds, curves.rocAll!.thresholds!, 'thresholds');
        });

        it('computes precision_recall_curve', () => {
          const pr = precisionRecallCurve(input.yTrue, scores, opts);
          expectAllClose(pr.precision, curves.pr.precision!, 'precision');
          expectAllClose(pr.recall, curves.pr.recall!, 'recall');
          expectAllClose(pr.thresholds, curves.pr.thresholds!, 'thresholds');
        });

        it('computes roc_auc and average precision standalone', () => {
          if (c.expected.metrics.roc_auc !== undefined) {
            expectClose(rocAuc(input.yTrue, scores, opts), c.expected.metrics.roc_auc, 'roc_auc');
          }
          expectClose(averagePrecision(input.yTrue, scores, opts), c.expected.metrics.precision_recall_auc!, 'ap');
        });
      }

      const lift = c.expected.lift;
      if (lift !== undefined && input.probabilities !== null) {
        it('computes the lift curve of each class', () => {
          const got = liftCurves(input.yTrue, input.probabilities!, { labelList: input.labelList });
          expect(got.map((g) => g.label)).toEqual(lift.map((l) => l.label));
          got.forEach((g, i) => {
            expectAllClose(g.fractions, lift[i]!.fractions, 'fractions');
            expectAllClose(g.lift, lift[i]!.lift, 'lift');
          });
        });
      }
    });
  }
});

describe('binary specifics', () => {
  it('honours posLabel in the confusion counts (MLflow uses the larger label there)', () => {
    const yTrue = [0, 0, 1, 1, 1];
    const yPred = [0, 1, 1, 1, 0];
    const byDefault = binaryClassifierMetrics({ yTrue, yPred });
    const pos0 = binaryClassifierMetrics({ yTrue, yPred, posLabel: 0 });
    expect(byDefault.true_positives).toBe(2);
    expect(pos0.true_positives).toBe(1);
    expect(pos0.true_negatives).toBe(byDefault.true_positives);
    expect(pos0.false_positives).toBe(byDefault.false_negatives);
  });

  it('leaves roc_auc out when the targets hold a single class', () => {
    const m = binaryClassifierMetrics({
      yTrue: [1, 1, 1],
      yPred: [1, 0, 1],
      probabilities: new Float64Array([0.2, 0.8, 0.6, 0.4, 0.3, 0.7]),
    });
    expect(m).not.toHaveProperty('roc_auc');
    expect(m.precision_recall_auc).toBe(1);
  });

  it('accepts typed arrays of labels', () => {
    const m = binaryClassifierMetrics({ yTrue: Int32Array.of(0, 1, 1, 0), yPred: Float64Array.of(0, 1, 0, 0) });
    expect(m.true_positives).toBe(1);
    expect(m.accuracy_score).toBe(0.75);
  });

  it('orders tied scores with the later row first in the lift curve (mergesort[::-1])', () => {
    const curve = liftCurve([1, 0, 1], [0.5, 0.5, 0.9], { posLabel: 1 });
    expect(Array.from(curve.fractions)).toEqual([1 / 3, 2 / 3, 1]);
    expect(Array.from(curve.lift)).toEqual([0.5 / (1 / 3), 0.5 / (2 / 3), 1]);
  });

  it('agrees with the Mann–Whitney U statistic on 100,000 rows with ties', () => {
    let a = 12345;
    const rand = (): number => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    const n = 100_000;
    const y = new Array<number>(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rand() < 0.3 ? 1 : 0;
      s[i] = Math.round((rand() * 0.7 + 0.3 * y[i]!) * 1000) / 1000;
    }
    const idx = Array.from({ length: n }, (_, i) => i).sort((p, q) => s[p]! - s[q]!);
    let rankSum = 0;
    let nPos = 0;
    for (let start = 0; start < n; ) {
      let end = start;
      while (end + 1 < n && s[idx[end + 1]!] === s[idx[start]!]) end++;
      const avgRank = (start + end) / 2 + 1;
      for (let j = start; j <= end; j++) if (y[idx[j]!] === 1) rankSum += avgRank;
      start = end + 1;
    }
    for (const v of y) nPos += v;
    const u = rankSum - (nPos * (nPos + 1)) / 2;
    expectClose(rocAuc(y, s), u / (nPos * (n - nPos)), 'auc');
  });

  it('reads the breast cancer hold-out as MLflow would: malignant is the positive class', () => {
    const bc = breastCancer();
    const m = binaryClassifierMetrics({ ...bc, probabilities: toProbabilityMatrix(bc.probabilities) });
    expect(m.true_positives).toBe(62);
    expect(m.example_count).toBe(171);
  });
});
