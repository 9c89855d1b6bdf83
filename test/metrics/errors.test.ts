import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  averagePrecision,
  binaryClassifierMetrics,
  liftCurve,
  logLoss,
  multiclassClassifierMetrics,
  regressorMetrics,
  rocAuc,
  rocCurve,
  toProbabilityMatrix,
} from '../../metrics/index.js';
import { ErrorCode, EvalflowError } from '../../src/core/errors.js';

function thrown(fn: () => unknown): EvalflowError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EvalflowError);
    expect((e as EvalflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    return e as EvalflowError;
  }
  throw new Error('expected an EvalflowError');
}

describe('bad input', () => {
  it('rejects empty input', () => {
    expect(thrown(() => binaryClassifierMetrics({ yTrue: [], yPred: [] })).message).toMatch(/empty dataset/);
    expect(thrown(() => regressorMetrics({ yTrue: [], yPred: [] })).message).toMatch(/empty dataset/);
    expect(thrown(() => rocAuc([], [])).message).toMatch(/empty dataset/);
  });

  it('names both lengths on a length mismatch', () => {
    expect(thrown(() => binaryClassifierMetrics({ yTrue: [0, 1, 1], yPred: [0, 1] })).message).toMatch(
      /got 3 targets and 2 predictions/,
    );
    const e = thrown(() => regressorMetrics({ yTrue: [1, 2], yPred: [1, 2, 3] }));
    expect(e.message).toMatch(/got 2 targets and 3 predictions/);
    expect(e.details).toEqual({ targets: 2, predictions: 3 });
    expect(thrown(() => rocAuc([0, 1], [0.5])).message).toMatch(/got 2 targets and 1 scores/);
    expect(thrown(() => accuracyScore([0, 1], [0, 1], { sampleWeights: [1] })).message).toMatch(
      /got 2 targets and 1 sample weights/,
    );
  });

  it('names the row of a NaN score', () => {
    const e = thrown(() => rocAuc([0, 1, 1], [0.1, NaN, 0.3]));
    expect(e.message).toBe('scores[1] is NaN; expected a finite number.');
    expect(e.details).toMatchObject({ row: 1 });
    expect(thrown(() => averagePrecision([0, 1], [0.1, Infinity])).message).toMatch(/scores\[1\] is Infinity/);
    expect(thrown(() => rocCurve([0, 1], Float64Array.of(NaN, 1))).message).toMatch(/scores\[0\]/);
  });

  it('names the row of a NaN target or prediction', () => {
    expect(thrown(() => regressorMetrics({ yTrue: [1, 2, NaN], yPred: [1, 2, 3] })).message).toBe(
      'targets[2] is NaN; expected a finite number.',
    );
    expect(thrown(() => regressorMetrics({ yTrue: [1, 2], yPred: [1, '2' as unknown as number] })).message).toMatch(
      /predictions\[1\] is the string "2"; expected a finite number/,
    );
    expect(thrown(() => binaryClassifierMetrics({ yTrue: [0, NaN, 1], yPred: [0, 1, 1] })).message).toMatch(
      /targets\[1\] is NaN/,
    );
  });

  it('rejects bad sample weights with the row index', () => {
    expect(thrown(() => regressorMetrics({ yTrue: [1, 2], yPred: [1, 2], sampleWeights: [1, NaN] })).message).toMatch(
      /sample_weights\[1\] is NaN/,
    );
    expect(thrown(() => regressorMetrics({ yTrue: [1, 2], yPred: [1, 2], sampleWeights: [-1, 1] })).message).toMatch(
      /sample_weights\[0\] is -1/,
    );
    expect(thrown(() => rocAuc([0, 1], [0.2, 0.4], { sampleWeights: [0, 0] })).message).toMatch(/all 0/);
  });

  it('rejects probability rows that do not sum to 1, with the row index', () => {
    const e = thrown(() =>
      binaryClassifierMetrics({
        yTrue: [0, 1, 1],
        yPred: [0, 1, 1],
        probabilities: toProbabilityMatrix([
          [0.5, 0.5],
          [0.3, 0.6],
          [0.2, 0.8],
        ]),
      }),
    );
    expect(e.message).toMatch(/^probabilities row 1 sums to 0\.8999/);
    expect(e.details).toMatchObject({ row: 1 });
    // within 1e-6 is fine
    expect(() =>
      binaryClassifierMetrics({ yTrue: [0, 1], yPred: [0, 1], probabilities: [0.5, 0.5000005, 0.2, 0.8] }),
    ).not.toThrow();
  });

  it('rejects probabilities of the wrong width', () => {
    expect(
      thrown(() =>
        multiclassClassifierMetrics({ yTrue: [0, 1, 2], yPred: [0, 1, 2], probabilities: [0.5, 0.5, 0.5, 0.5, 0.1, 0.9] }),
      ).message,
    ).toMatch(/probabilities must have 3 rows × 3 columns \(one column per label\) = 9 values; got 6 values \(2 rows of 3\)/);
    expect(thrown(() => toProbabilityMatrix([[0.5, 0.5], [1]])).message).toMatch(/row 1 has 1 values; expected 2/);
  });

  it('rejects NaN and out-of-range probabilities with row and column', () => {
    expect(
      thrown(() => binaryClassifierMetrics({ yTrue: [0, 1], yPred: [0, 1], probabilities: [0.5, 0.5, NaN, 1] })).message,
    ).toMatch(/probabilities row 1, column 0 is NaN/);
    expect(
      thrown(() => binaryClassifierMetrics({ yTrue: [0, 1], yPred: [0, 1], probabilities: [1.5, -0.5, 0, 1] })).message,
    ).toMatch(/probabilities row 0, column 0 is 1.5; expected a probability in \[0, 1\]/);
  });

  it('rejects a single class and the wrong number of classes', () => {
    expect(thrown(() => binaryClassifierMetrics({ yTrue: ['a', 'a'], yPred: ['a', 'a'] })).message).toMatch(
      /at least two unique labels, but only 1 unique labels were found/,
    );
    expect(thrown(() => binaryClassifierMetrics({ yTrue: [0, 1, 2], yPred: [0, 1, 2] })).message).toMatch(
      /exactly two labels; got 3/,
    );
    expect(thrown(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3])).message).toMatch(/Only one class present in y_true/);
    expect(thrown(() => liftCurve([0, 0], [0.1, 0.2], { posLabel: 1 })).message).toMatch(/no positive rows/);
  });

  it('rejects log_loss with fewer than two labels or unknown targets', () => {
    expect(thrown(() => logLoss([0, 0], [1, 1], [0])).message).toMatch(/at least two labels for log_loss/);
    expect(thrown(() => logLoss([0, 3], [0.5, 0.5, 0.5, 0.5], [0, 1])).message).toMatch(/targets\[1\] is 3/);
  });

  it('needs posLabel for scores of more than two target labels', () => {
    expect(thrown(() => rocAuc([0, 1, 2], [0.1, 0.5, 0.9])).message).toMatch(/give posLabel/);
    expect(rocAuc([0, 1, 2], [0.1, 0.5, 0.9], { posLabel: 2 })).toBe(1);
    expect(thrown(() => rocAuc([0, 1], [0.1, 0.5], { posLabel: 3 })).message).toMatch(/pos_label=3 is not a valid label/);
  });
});
