export { MetricThreshold } from './metric-threshold.js';
export type { MetricThresholdOptions } from './metric-threshold.js';
export { loadThresholds } from './load-thresholds.js';
export { checkEvaluationResults, validateEvaluationResults, ModelValidationFailedError } from './validate.js';
export type {
  MetricsResult,
  MetricValidationResult,
  ValidationCheck,
  ValidationCheckKind,
  ValidationFailure,
  ValidationFailureKind,
  ValidationReport,
} from './validate.js';
export { formatPythonFloat } from './python-float.js';
