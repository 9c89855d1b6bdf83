import { EvalflowError } from '../src/core/errors.js';
import { MetricValue } from './metric-value.js';

/**
 * What an `evalFn` receives: `predictions`, `targets` (when the data has them), `metrics` (every metric computed
 * before it, by internal key), and each name in `requires` / `optional`, resolved as MLflow resolves eval_fn
 * parameters: through `colMapping`, then input columns, other model outputs, evaluator config keys and metrics.
 */
export interface MetricArguments {
  predictions: readonly unknown[];
  targets?: readonly unknown[];
  metrics: Readonly<Record<string, MetricValue>>;
  [parameter: string]: unknown;
}

/**
 * What evaluate() passes as the second argument of every `evalFn` call of one evaluation: the same object for all of
 * them (the first-row trial and the full run), so a metric can keep state for that evaluation only.
 */
export interface EvalFnContext {
  /** False when evaluate() was given `cache: false`: a metric that asks a model must not reuse earlier replies. */
  readonly cache: boolean;
}

export type EvalFn = (
  args: MetricArguments,
  context?: EvalFnContext,
) => MetricValue | number | null | undefined | Promise<MetricValue | number | null | undefined>;

/** Mirrors MLflow's `EvaluationMetric`. */
export interface EvaluationMetric {
  readonly name: string;
  readonly version: string | undefined;
  readonly longName: string;
  /** Descriptive only, as in MLflow: evaluation and validation never read it. */
  readonly greaterIsBetter: boolean;
  /** Arguments the metric cannot run without, besides `predictions` and `metrics` (e.g. `targets`, `inputs`). */
  readonly requires: readonly string[];
  /** Arguments passed when they can be resolved, `undefined` otherwise. */
  readonly optional: readonly string[];
  readonly evalFn: EvalFn;
  readonly metricDetails: string | undefined;
  readonly metricMetadata: Readonly<Record<string, unknown>> | undefined;
  /** `name` or `name/version`: the key metrics are logged under. */
  readonly key: string;
}

export interface MakeMetricOptions {
  evalFn: EvalFn;
  greaterIsBetter: boolean;
  name?: string;
  longName?: string;
  version?: string;
  requires?: readonly string[];
  optional?: readonly string[];
  metricDetails?: string;
  metricMetadata?: Record<string, unknown>;
}

/** Builds a custom metric for `evaluate({ extraMetrics })`, as MLflow's `make_metric`. */
export function makeMetric(options: MakeMetricOptions): EvaluationMetric {
  if (options === null || typeof options !== 'object' || typeof options.evalFn !== 'function') {
    throw EvalflowError.invalid('makeMetric needs { evalFn, greaterIsBetter }, with evalFn a function.');
  }
  const name = options.name ?? options.evalFn.name;
  if (!name) {
    throw EvalflowError.invalid('`name` must be specified if `evalFn` is an anonymous function.');
  }
  if (name.includes('/')) {
    throw EvalflowError.invalid(`Invalid metric name '${name}'. Metric names cannot include forward slashes ('/').`);
  }
  if (typeof options.greaterIsBetter !== 'boolean') {
    throw EvalflowError.invalid(`makeMetric '${name}': greaterIsBetter must be true or false.`);
  }
  for (const list of [options.requires, options.optional]) {
    if (list !== undefined && (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === ''))) {
      throw EvalflowError.invalid(`makeMetric '${name}': requires and optional must be arrays of argument names.`);
    }
  }
  return Object.freeze({
    name,
    version: options.version,
    longName: options.longName ?? name,
    greaterIsBetter: options.greaterIsBetter,
    requires: Object.freeze([...(options.requires ?? [])]),
    optional: Object.freeze([...(options.optional ?? [])]),
    evalFn: options.evalFn,
    metricDetails: options.metricDetails,
    metricMetadata: options.metricMetadata,
    key: options.version ? `${name}/${options.version}` : name,
  });
}

export function isEvaluationMetric(value: unknown): value is EvaluationMetric {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as EvaluationMetric).evalFn === 'function' &&
    typeof (value as EvaluationMetric).key === 'string'
  );
}

/**
 * The keys a metric's aggregates are logged under (spec §2.6): an aggregate named like the part of the key before
 * the first "/" is logged as the key itself; any other as `key/aggregate`. A prefix goes before both parts.
 */
export function loggedMetricKeys(
  key: string,
  aggregates: Readonly<Record<string, number | null>>,
  prefix = '',
): Record<string, number> {
  const base = key.split('/')[0];
  const logged: Record<string, number> = {};
  for (const [aggregateName, value] of Object.entries(aggregates)) {
    if (value === null || value === undefined) continue;
    logged[aggregateName === base ? `${prefix}${key}` : `${prefix}${key}/${prefix}${aggregateName}`] = value;
  }
  return logged;
}
