import { ErrorCode, EvalflowError } from '../../core/errors.js';
import { logger } from '../../core/logger.js';
import { MetricThreshold } from './metric-threshold.js';
import { formatPythonFloat } from './python-float.js';

/** What validation reads from an evaluation result: `EvaluationResult` fits, and so does `{ metrics }`. */
export interface MetricsResult {
  metrics: Record<string, number>;
}

export type ValidationCheckKind = 'threshold' | 'min_absolute_change' | 'min_relative_change';
export type ValidationFailureKind = 'missing_candidate' | 'missing_baseline' | ValidationCheckKind;

/** One failed part of a metric's validation; its `message` is the sentence MLflow writes for that part. */
export interface ValidationFailure {
  metric: string;
  candidate: number | null;
  baseline: number | null;
  threshold: MetricThreshold;
  kind: ValidationFailureKind;
  message: string;
}

/** One comparison that ran, passed or not. */
export interface ValidationCheck {
  kind: ValidationCheckKind;
  passed: boolean;
  /**
   * For min_relative_change: the relative change that was compared, or null when the baseline was 0 and the check
   * fell back to "better than the baseline".
   */
  relativeChange?: number | null;
}

export interface MetricValidationResult {
  metric: string;
  candidate: number | null;
  baseline: number | null;
  threshold: MetricThreshold;
  passed: boolean;
  checks: ValidationCheck[];
  failures: ValidationFailure[];
  /**
   * What MLflow logs as a warning (a baseline of 0 for a relative change). validateEvaluationResults logs these;
   * checkEvaluationResults only returns them, for its caller to show.
   */
  warnings: string[];
  /** "Metric m passed the validation.", or the failure line MLflow writes for the metric. */
  message: string;
}

export interface ValidationReport {
  passed: boolean;
  /** One entry per threshold, in the order of the thresholds object. */
  results: MetricValidationResult[];
}

/** Mirrors MLflow's `ModelValidationFailedException`: the message is MLflow's, the failures are data. */
export class ModelValidationFailedError extends EvalflowError {
  readonly failures: readonly ValidationFailure[];

  constructor(failures: readonly ValidationFailure[]) {
    super(ErrorCode.BAD_REQUEST, failureMessage(failures), {
      details: { metrics: [...new Set(failures.map((failure) => failure.metric))] },
    });
    this.name = 'ModelValidationFailedError';
    this.failures = failures;
  }
}

/**
 * Checks a candidate's metrics against thresholds and, for the change thresholds, a baseline's metrics, as MLflow's
 * `validate_evaluation_results` does, and reports every metric instead of throwing.
 */
export function checkEvaluationResults(
  thresholds: Record<string, MetricThreshold>,
  candidate: MetricsResult,
  baseline?: MetricsResult | null,
): ValidationReport {
  assertThresholds(thresholds);
  const candidateMetrics = metricsOf(candidate, 'candidate');
  const baselineMetrics = baseline === undefined || baseline === null ? {} : metricsOf(baseline, 'baseline');

  const results = Object.entries(thresholds).map(([metric, threshold]) =>
    checkMetric(
      metric,
      threshold,
      metricValue(candidateMetrics, metric, 'candidate'),
      metricValue(baselineMetrics, metric, 'baseline'),
    ),
  );
  return { passed: results.every((result) => result.passed), results };
}

/**
 * Mirrors `mlflow.validate_evaluation_results(validation_thresholds, candidate_result, baseline_result=None)`:
 * returns when every metric passes, else throws a `ModelValidationFailedError` with one line per failing metric.
 */
export function validateEvaluationResults(
  thresholds: Record<string, MetricThreshold>,
  candidate: MetricsResult,
  baseline?: MetricsResult | null,
): void {
  logger.info('Validating candidate model metrics against baseline');
  const report = checkEvaluationResults(thresholds, candidate, baseline);
  for (const warning of report.results.flatMap((result) => result.warnings)) logger.warn(warning);
  if (!report.passed) throw new ModelValidationFailedError(report.results.flatMap((result) => result.failures));
  logger.info('Model validation passed!');
}

function checkMetric(
  metric: string,
  threshold: MetricThreshold,
  candidate: number | null,
  baseline: number | null,
): MetricValidationResult {
  const checks: ValidationCheck[] = [];
  const failures: ValidationFailure[] = [];
  const warnings: string[] = [];
  const fail = (kind: ValidationFailureKind, message: string): void => {
    failures.push({ metric, candidate, baseline, threshold, kind, message });
  };
  const finish = (): MetricValidationResult => {
    const passed = failures.length === 0;
    const message = passed
      ? `Metric ${metric} passed the validation.`
      : failures.map((failure) => failure.message).join(' ');
    return { metric, candidate, baseline, threshold, passed, checks, failures, warnings, message };
  };

  if (candidate === null) {
    fail(
      'missing_candidate',
      `Metric validation failed: metric ${metric} was missing from the evaluation result of the candidate model.`,
    );
    return finish();
  }

  const { greaterIsBetter, minAbsoluteChange, minRelativeChange } = threshold;
  const isAtLeastAsGood = (value: number, bound: number): boolean =>
    greaterIsBetter ? value >= bound : value <= bound;
  const improvedBy = (value: number, change: number): number => (greaterIsBetter ? value + change : value - change);
  const c = formatPythonFloat(candidate);

  if (threshold.threshold !== undefined) {
    const passed = isAtLeastAsGood(candidate, threshold.threshold);
    checks.push({ kind: 'threshold', passed });
    if (!passed) {
      fail(
        'threshold',
        `Metric ${metric} value threshold check failed: candidate model ${metric} = ${c}, ` +
          `${metric} threshold = ${formatPythonFloat(threshold.threshold)}.`,
      );
    }
  }

  // MLflow tests the change thresholds for truthiness here, so a min_relative_change of 0.0 skips this check and the
  // arithmetic below then crashes on the missing baseline. Testing for presence reports it as a failure instead.
  if ((minAbsoluteChange !== undefined || minRelativeChange !== undefined) && baseline === null) {
    fail(
      'missing_baseline',
      `Model comparison failed: metric ${metric} was missing from the evaluation result of the baseline model.`,
    );
    return finish();
  }
  if (baseline === null) return finish();
  const b = formatPythonFloat(baseline);

  if (minAbsoluteChange !== undefined) {
    // MLflow compares Decimal(c) with Decimal(b ± change): exact conversions of the same doubles, so a plain
    // comparison of the float bound gives the same answer.
    const passed = isAtLeastAsGood(candidate, improvedBy(baseline, minAbsoluteChange));
    checks.push({ kind: 'min_absolute_change', passed });
    if (!passed) {
      fail(
        'min_absolute_change',
        `Metric ${metric} minimum absolute change check failed: candidate model ${metric} = ${c}, ` +
          `baseline model ${metric} = ${b}, ${metric} minimum absolute change threshold = ` +
          `${formatPythonFloat(minAbsoluteChange)}.`,
      );
    }
  }

  if (minRelativeChange !== undefined) {
    let passed: boolean;
    let relativeChange: number | null;
    if (baseline === 0) {
      warnings.push(
        `Cannot perform relative model comparison for metric ${metric} as baseline metric value is 0. Falling back ` +
          'to simple comparison: verifying that candidate metric value is better than the baseline metric value.',
      );
      passed = isAtLeastAsGood(candidate, improvedBy(baseline, 1e-10));
      relativeChange = null;
    } else {
      // Dividing by a negative baseline flips the sign, so an improvement over a negative baseline reads as a
      // negative change. MLflow computes it this way and so does this port. A NaN change does not fail, as in MLflow.
      relativeChange = greaterIsBetter ? (candidate - baseline) / baseline : (baseline - candidate) / baseline;
      passed = !(relativeChange < minRelativeChange);
    }
    checks.push({ kind: 'min_relative_change', passed, relativeChange });
    if (!passed) {
      fail(
        'min_relative_change',
        `Metric ${metric} minimum relative change check failed: candidate model ${metric} = ${c}, ` +
          `baseline model ${metric} = ${b}, ${metric} minimum relative change threshold = ` +
          `${formatPythonFloat(minRelativeChange)}.`,
      );
    }
  }
  return finish();
}

/** MLflow joins the parts of one metric with a space and the metrics with os.linesep ("\n" here, as on POSIX). */
function failureMessage(failures: readonly ValidationFailure[]): string {
  const partsByMetric = new Map<string, string[]>();
  for (const failure of failures) {
    const parts = partsByMetric.get(failure.metric);
    if (parts === undefined) partsByMetric.set(failure.metric, [failure.message]);
    else parts.push(failure.message);
  }
  return [...partsByMetric.values()].map((parts) => parts.join(' ')).join('\n');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function assertThresholds(thresholds: unknown): asserts thresholds is Record<string, MetricThreshold> {
  const valid =
    isPlainObject(thresholds) &&
    Object.getOwnPropertySymbols(thresholds).length === 0 &&
    Object.values(thresholds).every((threshold) => threshold instanceof MetricThreshold);
  if (!valid) {
    throw EvalflowError.invalid(
      'The validation thresholds argument must be a dictionary that maps strings to MetricThreshold objects.',
    );
  }
}

function metricsOf(result: unknown, role: 'candidate' | 'baseline'): Record<string, unknown> {
  const metrics = typeof result === 'object' && result !== null ? (result as { metrics?: unknown }).metrics : undefined;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw EvalflowError.invalid(
      `The ${role} result must be an evaluation result with a \`metrics\` object mapping metric names to numbers.`,
      { role },
    );
  }
  return metrics as Record<string, unknown>;
}

/** A metric absent from the result, or null or undefined in it, is missing. */
function metricValue(metrics: Record<string, unknown>, metric: string, role: 'candidate' | 'baseline'): number | null {
  const value = Object.hasOwn(metrics, metric) ? metrics[metric] : undefined;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') {
    const got = typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
    throw EvalflowError.invalid(`Metric ${metric} of the ${role} result must be a number, got ${got}.`, {
      role,
      metric,
      value,
    });
  }
  return value;
}
