import { describe, expect, it } from 'vitest';
import {
  classifierMetrics,
  confusionMatrix,
  logLoss,
  multiclassClassifierMetrics,
  multiclassRocAuc,
  perClassMetrics,
  precisionRecallF1,
  toProbabilityMatrix,
  type Label,
} from '../../metrics/index.js';
import { expectAllClose, expectClose, expectMetrics, fixture, type ClassifierInputJson } from './helpers.js';

interface MulticlassCase {
  name: string;
  input: ClassifierInputJson;
  expected: {
    labels: Label[];
    byAverage: Record<'weighted' | 'macro' | 'micro', Record<string, number | null>>;
    perClass: Array<Record<string, Label | null>>;
    confusionNormalized: number[][];
    confusionByPred: number[][];
    confusionByAll: number[][];
  };
}

const data = fixture<MulticlassCase>('classification_multiclass.json');
const averages = ['weighted', 'macro', 'micro'] as const;

describe(`multiclass classifier metrics vs scikit-learn ${data.meta.sklearn}`, () => {
  for (const c of data.cases) {
    describe(c.name, () => {
      const input = {
        yTrue: c.input.yTrue!,
        yPred: c.input.yPred!,
        labelList: c.input.labelList ?? null,
        sampleWeights: c.input.sampleWeights ?? null,
        probabilities: c.input.probabilities === undefined ? null : toProbabilityMatrix(c.input.probabilities),
      };

      for (const average of averages) {
        it(`computes the MLflow metric set with average=${average}`, () => {
          expectMetrics(multiclassClassifierMetrics({ ...input, average }), c.expected.byAverage[average], average);
          expectMetrics(classifierMetrics({ ...input, average }), c.expected.byAverage[average], average);
        });

        it(`computes precision/recall/f1 standalone with average=${average}`, () => {
          const prf = precisionRecallF1(input.yTrue, input.yPred, { average, sampleWeights: input.sampleWeights });
          expectClose(prf.precision, c.expected.byAverage[average].precision_score!);
          expectClose(prf.recall, c.expected.byAverage[average].recall_score!);
          expectClose(prf.f1, c.expected.byAverage[average].f1_score!);
        });
      }

      it('defaults to average=weighted', () => {
        expectMetrics(multiclassClassifierMetrics(input), c.expected.byAverage.weighted);
      });

      it('computes the per-class rows', () => {
        const rows = perClassMetrics(input);
        expect(rows.map((r) => r.positive_class)).toEqual(c.expected.labels);
        rows.forEach((row, i) => {
          const exp = c.expected.perClass[i]!;
          expect(Object.keys(row).sort()).toEqual(Object.keys(exp).sort());
          for (const [k, v] of Object.entries(exp)) {
            if (k === 'positive_class') continue;
            expectClose(row[k as keyof typeof row] as number, v as number | null, `${String(row.positive_class)} ${k}`);
          }
        });
      });

      it('computes the normalised weighted confusion matrix', () => {
        const cm = confusionMatrix(input.yTrue, input.yPred, {
          sampleWeights: input.sampleWeights,
          normalize: 'true',
        });
        expect(cm.labels).toEqual(c.expected.labels);
        cm.matrix.forEach((row, i) => expectAllClose(row, c.expected.confusionNormalized[i]!, `cm[${i}]`));
        const byPred = confusionMatrix(input.yTrue, input.yPred, { sampleWeights: input.sampleWeights, normalize: 'pred' });
        byPred.matrix.forEach((row, i) => expectAllClose(row, c.expected.confusionByPred[i]!, `pred[${i}]`));
        const byAll = confusionMatrix(input.yTrue, input.yPred, { sampleWeights: input.sampleWeights, normalize: 'all' });
        byAll.matrix.forEach((row, i) => expectAllClose(row, c.expected.confusionByAll[i]!, `all[${i}]`));
      });

      if (input.probabilities !== null) {
        const probabilities = input.probabilities;
        it('computes log_loss and one-vs-rest roc_auc standalone', () => {
          expectClose(
            logLoss(input.yTrue, probabilities, c.expected.labels, input.sampleWeights),
            c.expected.byAverage.macro.log_loss!,
          );
          for (const average of ['macro', 'weighted'] as const) {
            const expected = c.expected.byAverage[average].roc_auc;
            const opts = { labelList: c.expected.labels, sampleWeights: input.sampleWeights, average };
            if (expected === undefined) {
              expect(() => multiclassRocAuc(input.yTrue, probabilities, opts)).toThrow(/One-vs-rest ROC AUC/);
            } else {
              expectClose(multiclassRocAuc(input.yTrue, probabilities, opts), expected);
            }
          }
        });
      }
    });
  }
});

describe('multiclass specifics', () => {
  it('logs no roc_auc for average=micro, and none when a class is only predicted', () => {
    const only = data.cases.find((c) => c.name === 'class only in predictions')!;
    expect(only.expected.byAverage.macro).not.toHaveProperty('roc_auc');
    const probabilities = toProbabilityMatrix(only.input.probabilities!);
    const m = multiclassClassifierMetrics({
      yTrue: only.input.yTrue!,
      yPred: only.input.yPred!,
      probabilities,
      average: 'macro',
    });
    expect(m).toHaveProperty('log_loss');
    expect(m).not.toHaveProperty('roc_auc');
  });

  it("treats targets [1,0,1,1] with predictions [1,2,0,0] as multiclass (spec §1 rule 3)", () => {
    const m = classifierMetrics({ yTrue: [1, 0, 1, 1], yPred: [1, 2, 0, 0] });
    expect(m).not.toHaveProperty('true_positives');
    expect(m.example_count).toBe(4);
  });

  it('rejects average=binary and unknown averages', () => {
    expect(() =>
      multiclassClassifierMetrics({ yTrue: [0, 1, 2], yPred: [0, 1, 2], average: 'binary' as 'macro' }),
    ).toThrow(/average must be one of/);
    expect(() => precisionRecallF1([0, 1, 2], [0, 1, 2], { average: 'binary' })).toThrow(/at most two labels/);
  });

  it('requires three labels for the multiclass set and two for the binary set', () => {
    expect(() => multiclassClassifierMetrics({ yTrue: [0, 1], yPred: [1, 0] })).toThrow(/three or more labels/);
  });
});
