import { describe, expect, it } from 'vitest';

import { ErrorCode, EvalflowError } from '../../../src/core/errors.js';
import { setLogSink, type LogLevel } from '../../../src/core/logger.js';
import {
  checkEvaluationResults,
  MetricThreshold,
  ModelValidationFailedError,
  validateEvaluationResults,
  type MetricThresholdOptions,
  type ValidationFailure,
} from '../../../src/evaluate/validation/index.js';
import { thrownBy } from './helpers.js';

const higher = (options: Omit<MetricThresholdOptions, 'greaterIsBetter'>) =>
  new MetricThreshold({ ...options, greaterIsBetter: true });
const lower = (options: Omit<MetricThresholdOptions, 'greaterIsBetter'>) =>
  new MetricThreshold({ ...options, greaterIsBetter: false });

/** Validates one metric and returns the kinds of its failures ([] when it passes). */
function failedKinds(
  threshold: MetricThreshold,
  candidate: number | undefined,
  baseline?: number | undefined,
): string[] {
  const report = checkEvaluationResults(
    { metric: threshold },
    { metrics: candidate === undefined ? {} : { metric: candidate } },
    { metrics: baseline === undefined ? {} : { metric: baseline } },
  );
  return report.results.flatMap((result) => result.failures.map((failure) => failure.kind));
}

function validationError(fn: () => unknown): ModelValidationFailedError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(ModelValidationFailedError);
  return error as ModelValidationFailedError;
}

describe('validateEvaluationResults: arguments', () => {
  const message =
    'The validation thresholds argument must be a dictionary that maps strings to MetricThreshold objects.';

  it.each([
    ['null', null],
    ['an array', [higher({ threshold: 0.5 })]],
    ['a Map', new Map([['accuracy_score', higher({ threshold: 0.5 })]])],
    ['options in place of a MetricThreshold', { accuracy_score: { threshold: 0.5, greaterIsBetter: true } }],
    ['a number value', { accuracy_score: 0.5 }],
    ['a symbol key', { [Symbol('accuracy')]: higher({ threshold: 0.5 }) }],
    ['a class instance', new (class Thresholds {})()],
  ])('rejects %s as thresholds', (_label, thresholds) => {
    const error = thrownBy(() =>
      validateEvaluationResults(thresholds as unknown as Record<string, MetricThreshold>, { metrics: {} }),
    );
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toBe(message);
    expect(error).not.toBeInstanceOf(ModelValidationFailedError);
  });

  it('checks the thresholds before the results', () => {
    expect(thrownBy(() => validateEvaluationResults(null as never, null as never)).message).toBe(message);
  });

  it.each([
    ['candidate', null, undefined],
    ['candidate', { metrics: null }, undefined],
    ['candidate', { metric: { accuracy_score: 0.9 } }, undefined],
    ['baseline', { metrics: {} }, { metrics: [0.9] }],
    ['baseline', { metrics: {} }, 0.9],
  ])('rejects a %s result without a metrics object', (role, candidate, baseline) => {
    const error = thrownBy(() =>
      validateEvaluationResults({ accuracy_score: higher({ threshold: 0.5 }) }, candidate as never, baseline as never),
    );
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toBe(
      `The ${role} result must be an evaluation result with a \`metrics\` object mapping metric names to numbers.`,
    );
  });

  it('rejects a metric value that is not a number', () => {
    const error = thrownBy(() =>
      validateEvaluationResults({ accuracy_score: higher({ threshold: 0.5 }) }, {
        metrics: { accuracy_score: '0.9' as unknown as number },
      }),
    );
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toBe('Metric accuracy_score of the candidate result must be a number, got "0.9".');
  });

  it('accepts an empty thresholds object and null-prototype objects', () => {
    expect(() => validateEvaluationResults({}, { metrics: {} })).not.toThrow();
    const thresholds = Object.assign(Object.create(null) as Record<string, MetricThreshold>, {
      accuracy_score: higher({ threshold: 0.5 }),
    });
    expect(() => validateEvaluationResults(thresholds, { metrics: { accuracy_score: 0.9 } })).not.toThrow();
  });

  it('returns undefined when every metric passes, with or without a baseline', () => {
    const thresholds = { accuracy_score: higher({ threshold: 0.8, minAbsoluteChange: 0.05 }) };
    expect(
      validateEvaluationResults(thresholds, { metrics: { accuracy_score: 0.9 } }, { metrics: { accuracy_score: 0.8 } }),
    ).toBeUndefined();
    expect(validateEvaluationResults({ mae: lower({ threshold: 3 }) }, { metrics: { mae: 2.5 } })).toBeUndefined();
    const mae = { mae: lower({ threshold: 3 }) };
    expect(validateEvaluationResults(mae, { metrics: { mae: 2.5 } }, null)).toBeUndefined();
  });
});

describe('per-metric checks', () => {
  describe('threshold', () => {
    it('passes at or above the threshold when higher is better, fails below it', () => {
      const threshold = higher({ threshold: 0.8 });
      expect(failedKinds(threshold, 0.9)).toEqual([]);
      expect(failedKinds(threshold, 0.8)).toEqual([]);
      expect(failedKinds(threshold, 0.7999999999999999)).toEqual(['threshold']);
    });

    it('passes at or below the threshold when lower is better, fails above it', () => {
      const threshold = lower({ threshold: 0.27 });
      expect(failedKinds(threshold, 0.1)).toEqual([]);
      expect(failedKinds(threshold, 0.27)).toEqual([]);
      expect(failedKinds(threshold, 0.22001 + 0.05)).toEqual(['threshold']);
    });

    it('fails a NaN candidate, since no comparison with NaN holds', () => {
      expect(failedKinds(higher({ threshold: 0.5 }), NaN)).toEqual(['threshold']);
    });

    it('needs no baseline', () => {
      expect(failedKinds(higher({ threshold: 0.5 }), 0.6, undefined)).toEqual([]);
    });
  });

  describe('minAbsoluteChange', () => {
    it('passes exactly at baseline + change when higher is better', () => {
      const threshold = higher({ minAbsoluteChange: 0.05 });
      expect(failedKinds(threshold, 0.75, 0.7)).toEqual([]); // 0.7 + 0.05 === 0.75 in floating point
      expect(failedKinds(threshold, 0.76, 0.7)).toEqual([]);
      expect(failedKinds(threshold, 0.74, 0.7)).toEqual(['min_absolute_change']);
    });

    it('passes exactly at baseline - change when lower is better', () => {
      const threshold = lower({ minAbsoluteChange: 0.1 });
      expect(failedKinds(threshold, 0.4, 0.5)).toEqual([]); // 0.5 - 0.1 === 0.4
      expect(failedKinds(threshold, 0.3, 0.5)).toEqual([]);
      expect(failedKinds(threshold, 0.41, 0.5)).toEqual(['min_absolute_change']);
    });

    it('computes the bound in floating point, as MLflow does before its Decimal comparison', () => {
      // 0.1 + 0.2 is 0.30000000000000004, so a candidate of 0.3 falls just short.
      expect(failedKinds(higher({ minAbsoluteChange: 0.2 }), 0.3, 0.1)).toEqual(['min_absolute_change']);
    });

    it('fails a candidate equal to the baseline', () => {
      expect(failedKinds(higher({ minAbsoluteChange: 1e-6 }), 0.9, 0.9)).toEqual(['min_absolute_change']);
    });
  });

  describe('minRelativeChange', () => {
    it('compares (c - b) / b with the change when higher is better; the exact boundary passes', () => {
      const threshold = higher({ minRelativeChange: 0.5 });
      expect(failedKinds(threshold, 1.5, 1)).toEqual([]);
      expect(failedKinds(threshold, 1.6, 1)).toEqual([]);
      expect(failedKinds(threshold, 1.4, 1)).toEqual(['min_relative_change']);
    });

    it('compares (b - c) / b with the change when lower is better; the exact boundary passes', () => {
      const threshold = lower({ minRelativeChange: 0.5 });
      expect(failedKinds(threshold, 0.5, 1)).toEqual([]);
      expect(failedKinds(threshold, 0.4, 1)).toEqual([]);
      expect(failedKinds(threshold, 0.6, 1)).toEqual(['min_relative_change']);
    });

    it('reports the relative change it compared', () => {
      const report = checkEvaluationResults(
        { metric: higher({ minRelativeChange: 0.05 }) },
        { metrics: { metric: 1.0499 } },
        { metrics: { metric: 1 } },
      );
      expect(report.results[0]?.checks).toEqual([
        { kind: 'min_relative_change', passed: false, relativeChange: 0.049900000000000055 },
      ]);
    });

    it('flips the sign for a negative baseline, as MLflow codes it', () => {
      // Higher is better: -0.5 improves on -1, yet (-0.5 - -1) / -1 = -0.5 < 0.1 fails; -1.5 gives +0.5 and passes.
      expect(failedKinds(higher({ minRelativeChange: 0.1 }), -0.5, -1)).toEqual(['min_relative_change']);
      expect(failedKinds(higher({ minRelativeChange: 0.1 }), -1.5, -1)).toEqual([]);
      // Lower is better: the mirror image.
      expect(failedKinds(lower({ minRelativeChange: 0.1 }), -1.5, -1)).toEqual(['min_relative_change']);
      expect(failedKinds(lower({ minRelativeChange: 0.1 }), -0.5, -1)).toEqual([]);
    });

    it('falls back to "better than the baseline by 1e-10" when the baseline is 0, with a warning', () => {
      const threshold = higher({ minRelativeChange: 0.5 });
      expect(failedKinds(threshold, 1e-10, 0)).toEqual([]);
      expect(failedKinds(threshold, 1e-11, 0)).toEqual(['min_relative_change']);
      expect(failedKinds(threshold, 0, 0)).toEqual(['min_relative_change']);
      expect(failedKinds(lower({ minRelativeChange: 0.5 }), -1e-10, 0)).toEqual([]);
      expect(failedKinds(lower({ minRelativeChange: 0.5 }), 0, -0)).toEqual(['min_relative_change']);

      const report = checkEvaluationResults({ mae: threshold }, { metrics: { mae: 0.2 } }, { metrics: { mae: 0 } });
      expect(report.results[0]?.checks).toEqual([{ kind: 'min_relative_change', passed: true, relativeChange: null }]);
      expect(report.results[0]?.warnings).toEqual([
        'Cannot perform relative model comparison for metric mae as baseline metric value is 0. Falling back to ' +
          'simple comparison: verifying that candidate metric value is better than the baseline metric value.',
      ]);
    });

    it('validateEvaluationResults logs that warning, as MLflow does', () => {
      const lines: Array<[LogLevel, string]> = [];
      const restore = setLogSink((level, message) => lines.push([level, message]));
      try {
        validateEvaluationResults(
          { mae: lower({ minRelativeChange: 0.5 }) },
          { metrics: { mae: -1 } },
          { metrics: { mae: 0 } },
        );
      } finally {
        restore();
      }
      expect(lines.filter(([level]) => level === 'warn')).toEqual([
        [
          'warn',
          'Cannot perform relative model comparison for metric mae as baseline metric value is 0. Falling back to ' +
            'simple comparison: verifying that candidate metric value is better than the baseline metric value.',
        ],
      ]);
    });

    it('with a change of 0 passes any candidate at least as good as the baseline', () => {
      expect(failedKinds(higher({ minRelativeChange: 0 }), 0.8, 0.8)).toEqual([]);
      expect(failedKinds(higher({ minRelativeChange: 0 }), 0.79, 0.8)).toEqual(['min_relative_change']);
    });
  });

  describe('missing metrics', () => {
    it('reports a metric missing from the candidate and runs no check for it', () => {
      const report = checkEvaluationResults(
        { recall_score: higher({ threshold: 0.5, minAbsoluteChange: 0.1 }) },
        { metrics: { accuracy_score: 0.9 } },
        { metrics: { recall_score: 0.4 } },
      );
      expect(report.passed).toBe(false);
      expect(report.results[0]).toMatchObject({ candidate: null, baseline: 0.4, checks: [] });
      expect(report.results[0]?.failures.map((failure) => failure.kind)).toEqual(['missing_candidate']);
    });

    it('treats a null or undefined metric value as missing', () => {
      expect(failedKinds(higher({ threshold: 0.5 }), null as unknown as number)).toEqual(['missing_candidate']);
      expect(failedKinds(higher({ minAbsoluteChange: 0.1 }), 0.9, null as unknown as number)).toEqual([
        'missing_baseline',
      ]);
    });

    it('reports a metric missing from the baseline after the threshold check, and skips the change checks', () => {
      const threshold = higher({ threshold: 0.95, minAbsoluteChange: 0.01, minRelativeChange: 0.1 });
      const report = checkEvaluationResults({ f1_score: threshold }, { metrics: { f1_score: 0.9 } }, { metrics: {} });
      expect(report.results[0]?.checks).toEqual([{ kind: 'threshold', passed: false }]);
      expect(report.results[0]?.failures.map((failure) => failure.kind)).toEqual(['threshold', 'missing_baseline']);
    });

    it('reports a missing baseline for a minRelativeChange of 0, where MLflow crashes with a TypeError', () => {
      expect(failedKinds(higher({ minRelativeChange: 0 }), 0.9, undefined)).toEqual(['missing_baseline']);
    });

    it('reports every change threshold as a missing baseline when no baseline is given at all', () => {
      const thresholds = {
        accuracy_score: higher({ threshold: 0.8, minAbsoluteChange: 0.05 }),
        f1_score: higher({ minRelativeChange: 0.1 }),
        log_loss: lower({ threshold: 0.5 }),
      };
      const error = validationError(() =>
        validateEvaluationResults(thresholds, { metrics: { accuracy_score: 0.9, f1_score: 0.9, log_loss: 0.4 } }),
      );
      expect(error.message).toBe(
        'Model comparison failed: metric accuracy_score was missing from the evaluation result of the baseline model.\n' +
          'Model comparison failed: metric f1_score was missing from the evaluation result of the baseline model.',
      );
      expect(error.failures.map((failure) => [failure.metric, failure.kind, failure.baseline])).toEqual([
        ['accuracy_score', 'missing_baseline', null],
        ['f1_score', 'missing_baseline', null],
      ]);
    });
  });
});

describe('ModelValidationFailedError', () => {
  // The expected message was produced by MLflow's own _validate logic under CPython for the same inputs.
  const thresholds = {
    accuracy_score: higher({ threshold: 0.8, minAbsoluteChange: 0.05, minRelativeChange: 0.05 }),
    f1_score: higher({ threshold: 0.5 }),
    log_loss: lower({ threshold: 0.27 }),
    recall_score: higher({ threshold: 1 }),
    precision_score: higher({ threshold: 0.95, minAbsoluteChange: 0.01 }),
    mean_absolute_error: lower({ minRelativeChange: 0.1 }),
    roc_auc: higher({ minAbsoluteChange: 1e-6 }),
  };
  const candidate = {
    metrics: {
      accuracy_score: 0.721,
      f1_score: 0.6,
      log_loss: 0.22001 + 0.05,
      precision_score: 0.9,
      mean_absolute_error: 1e-11,
      roc_auc: 0.9,
    },
  };
  const baseline = {
    metrics: {
      accuracy_score: 0.75,
      f1_score: 0.1,
      log_loss: 0.3,
      recall_score: 0.5,
      mean_absolute_error: 0,
      roc_auc: 0.9,
    },
  };

  it("writes MLflow's message: one line per failing metric, in the order of the thresholds", () => {
    const error = validationError(() => validateEvaluationResults(thresholds, candidate, baseline));
    expect(error.message).toBe(
      [
        'Metric accuracy_score value threshold check failed: candidate model accuracy_score = 0.721, ' +
          'accuracy_score threshold = 0.8. ' +
          'Metric accuracy_score minimum absolute change check failed: candidate model accuracy_score = 0.721, ' +
          'baseline model accuracy_score = 0.75, accuracy_score minimum absolute change threshold = 0.05. ' +
          'Metric accuracy_score minimum relative change check failed: candidate model accuracy_score = 0.721, ' +
          'baseline model accuracy_score = 0.75, accuracy_score minimum relative change threshold = 0.05.',
        'Metric log_loss value threshold check failed: candidate model log_loss = 0.27001000000000003, ' +
          'log_loss threshold = 0.27.',
        'Metric validation failed: metric recall_score was missing from the evaluation result of the candidate model.',
        'Metric precision_score value threshold check failed: candidate model precision_score = 0.9, ' +
          'precision_score threshold = 0.95. ' +
          'Model comparison failed: metric precision_score was missing from the evaluation result of the baseline model.',
        'Metric mean_absolute_error minimum relative change check failed: candidate model mean_absolute_error = 1e-11, ' +
          'baseline model mean_absolute_error = 0.0, mean_absolute_error minimum relative change threshold = 0.1.',
        'Metric roc_auc minimum absolute change check failed: candidate model roc_auc = 0.9, ' +
          'baseline model roc_auc = 0.9, roc_auc minimum absolute change threshold = 1e-06.',
      ].join('\n'),
    );
  });

  it('is an EvalflowError with code BAD_REQUEST that names the failing metrics', () => {
    const error = validationError(() => validateEvaluationResults(thresholds, candidate, baseline));
    expect(error).toBeInstanceOf(EvalflowError);
    expect(error.name).toBe('ModelValidationFailedError');
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.details).toEqual({
      metrics: ['accuracy_score', 'log_loss', 'recall_score', 'precision_score', 'mean_absolute_error', 'roc_auc'],
    });
  });

  it('carries each failed part as data, two entries for a metric failing two checks', () => {
    const error = validationError(() => validateEvaluationResults(thresholds, candidate, baseline));
    const summaries = error.failures.map(({ metric, candidate, baseline, kind }) => ({ metric, candidate, baseline, kind }));
    expect(summaries).toEqual([
      { metric: 'accuracy_score', candidate: 0.721, baseline: 0.75, kind: 'threshold' },
      { metric: 'accuracy_score', candidate: 0.721, baseline: 0.75, kind: 'min_absolute_change' },
      { metric: 'accuracy_score', candidate: 0.721, baseline: 0.75, kind: 'min_relative_change' },
      { metric: 'log_loss', candidate: 0.27001000000000003, baseline: 0.3, kind: 'threshold' },
      { metric: 'recall_score', candidate: null, baseline: 0.5, kind: 'missing_candidate' },
      { metric: 'precision_score', candidate: 0.9, baseline: null, kind: 'threshold' },
      { metric: 'precision_score', candidate: 0.9, baseline: null, kind: 'missing_baseline' },
      { metric: 'mean_absolute_error', candidate: 1e-11, baseline: 0, kind: 'min_relative_change' },
      { metric: 'roc_auc', candidate: 0.9, baseline: 0.9, kind: 'min_absolute_change' },
    ]);
    const logLoss = error.failures.find((failure) => failure.metric === 'log_loss') as ValidationFailure;
    expect(logLoss.threshold).toBe(thresholds.log_loss);
    expect(logLoss.message).toBe(
      'Metric log_loss value threshold check failed: candidate model log_loss = 0.27001000000000003, ' +
        'log_loss threshold = 0.27.',
    );
  });

  it('is built from the failures alone, so a caller can rebuild it from a report', () => {
    const report = checkEvaluationResults(thresholds, candidate, baseline);
    const rebuilt = new ModelValidationFailedError(report.results.flatMap((result) => result.failures));
    const thrown = validationError(() => validateEvaluationResults(thresholds, candidate, baseline));
    expect(rebuilt.message).toBe(thrown.message);
  });
});

describe('checkEvaluationResults', () => {
  it('lists every metric in threshold order with its checks, passing ones included, and never throws', () => {
    const report = checkEvaluationResults(
      {
        accuracy_score: higher({ threshold: 0.8, minAbsoluteChange: 0.05 }),
        log_loss: lower({ threshold: 0.3, minRelativeChange: 0.1 }),
      },
      { metrics: { accuracy_score: 0.9, log_loss: 0.35 } },
      { metrics: { accuracy_score: 0.88, log_loss: 0.4 } },
    );
    expect(report.passed).toBe(false);
    expect(report.results.map(({ metric, passed, checks, message }) => ({ metric, passed, checks, message }))).toEqual([
      {
        metric: 'accuracy_score',
        passed: false,
        checks: [
          { kind: 'threshold', passed: true },
          { kind: 'min_absolute_change', passed: false },
        ],
        message:
          'Metric accuracy_score minimum absolute change check failed: candidate model accuracy_score = 0.9, ' +
          'baseline model accuracy_score = 0.88, accuracy_score minimum absolute change threshold = 0.05.',
      },
      {
        metric: 'log_loss',
        passed: false,
        checks: [
          { kind: 'threshold', passed: false },
          { kind: 'min_relative_change', passed: true, relativeChange: (0.4 - 0.35) / 0.4 },
        ],
        message:
          'Metric log_loss value threshold check failed: candidate model log_loss = 0.35, log_loss threshold = 0.3.',
      },
    ]);
  });

  it('says "passed the validation" for a passing metric', () => {
    const report = checkEvaluationResults({ f1_score: higher({ threshold: 0.5 }) }, { metrics: { f1_score: 0.7 } });
    expect(report).toMatchObject({
      passed: true,
      results: [{ metric: 'f1_score', passed: true, failures: [], message: 'Metric f1_score passed the validation.' }],
    });
  });

  it('accepts an evaluation result with more fields than metrics', () => {
    const result = { metrics: { f1_score: 0.7 }, artifacts: {}, runId: 'abc' };
    expect(checkEvaluationResults({ f1_score: higher({ threshold: 0.5 }) }, result).passed).toBe(true);
  });
});
