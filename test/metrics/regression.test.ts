import { describe, expect, it } from 'vitest';
import {
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  regressorMetrics,
  rootMeanSquaredError,
} from '../../metrics/index.js';
import { expectClose, expectMetrics, fixture } from './helpers.js';

interface RegressionCase {
  name: string;
  input: { yTrue: number[]; yPred: number[]; sampleWeights?: number[] };
  expected: Record<string, number | null>;
}

const data = fixture<RegressionCase>('regression.json');

describe(`regressor metrics vs scikit-learn ${data.meta.sklearn}`, () => {
  for (const c of data.cases) {
    describe(c.name, () => {
      const { yTrue, yPred, sampleWeights } = c.input;

      it('computes the MLflow metric set', () => {
        expectMetrics(regressorMetrics({ yTrue, yPred, sampleWeights }), c.expected, c.name);
      });

      it('computes each metric standalone', () => {
        expectClose(meanAbsoluteError(yTrue, yPred, sampleWeights), c.expected.mean_absolute_error!);
        expectClose(meanSquaredError(yTrue, yPred, sampleWeights), c.expected.mean_squared_error!);
        expectClose(rootMeanSquaredError(yTrue, yPred, sampleWeights), c.expected.root_mean_squared_error!);
        expectClose(r2Score(yTrue, yPred, sampleWeights), c.expected.r2_score!);
        expectClose(maxError(yTrue, yPred), c.expected.max_error!);
        expectClose(
          meanAbsolutePercentageError(yTrue, yPred, sampleWeights),
          c.expected.mean_absolute_percentage_error!,
        );
      });

      it('accepts Float64Array input with the same result', () => {
        const m = regressorMetrics({
          yTrue: Float64Array.from(yTrue),
          yPred: Float64Array.from(yPred),
          sampleWeights: sampleWeights && Float64Array.from(sampleWeights),
        });
        expectMetrics(m, c.expected);
      });
    });
  }
});

describe('regressor rules', () => {
  it('applies the SS_tot = 0 rule both ways', () => {
    expect(r2Score([3, 3, 3], [3, 3, 3])).toBe(1);
    expect(r2Score([3, 3, 3], [3, 4, 3])).toBe(0);
  });

  it('divides mean_on_target by n even when weighted', () => {
    const m = regressorMetrics({ yTrue: [1, 2, 3], yPred: [1, 2, 3], sampleWeights: [2, 0, 1] });
    expect(m.sum_on_target).toBe(5);
    expect(m.mean_on_target).toBeCloseTo(5 / 3, 15);
  });

  it('uses eps = 2.220446049250313e-16 for targets equal to 0 in MAPE', () => {
    expect(meanAbsolutePercentageError([0], [1])).toBe(1 / 2.220446049250313e-16);
  });

  it('ignores weights in max_error', () => {
    const m = regressorMetrics({ yTrue: [0, 0], yPred: [1, 5], sampleWeights: [1, 0] });
    expect(m.max_error).toBe(5);
    expect(m.mean_absolute_error).toBe(1);
  });
});
