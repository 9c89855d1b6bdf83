import { EvalflowError } from '../core/errors.js';
import type { EvalTable } from '../data/eval-table.js';
import { loggedMetricKeys, type EvalFnContext, type EvaluationMetric, type MetricArguments } from '../../metrics/make-metric.js';
import { MetricValue } from '../../metrics/metric-value.js';
import type { EvaluatorConfig, EvaluatorOutput } from '../../evaluators/types.js';

export interface ExtraMetricsInput {
  table: EvalTable;
  featureNames: readonly string[];
  targetsName: string | undefined;
  predictionsName: string;
  otherOutputNames: readonly string[];
  config: EvaluatorConfig;
  /** Metrics computed before (the built-ins), by internal key. */
  metricValues: Record<string, MetricValue>;
  /** How many built-in metrics came first: warnings count them, as MLflow's do. */
  builtinCount: number;
  /** evaluate()'s `cache` option: `false` is passed on to the metrics (legacy LLM metrics then never cache replies). */
  cache?: boolean;
}

type Resolution = { kind: 'value'; value: unknown } | { kind: 'missing'; reason: 'targets' | 'column' } | { kind: 'wait' };

/**
 * Runs `extraMetrics` as MLflow's DefaultEvaluator does: arguments resolved by name, metrics that depend on other
 * metrics run after them, every metric first tried on the first row (all failures reported together), then on
 * all rows. A metric that returns something unusable is skipped with a warning.
 */
export async function computeExtraMetrics(metrics: readonly EvaluationMetric[], input: ExtraMetricsInput): Promise<EvaluatorOutput> {
  const order = scheduleMetrics(metrics, input);
  // One context for every evalFn call of this evaluation: a legacy LLM metric keeps its reply cache in it, so the
  // first row's trial reply is reused by the full run, and forgotten with the evaluation.
  const context: EvalFnContext = Object.freeze({ cache: input.cache !== false });
  await tryOnFirstRow(order, input, context);

  const output: EvaluatorOutput = { metrics: {}, metricValues: {}, artifacts: [], rowColumns: {}, warnings: [] };
  const computed: Record<string, MetricValue> = { ...input.metricValues };
  const prefix = input.config.metricPrefix ?? '';
  for (const metric of order) {
    const index = input.builtinCount + metrics.indexOf(metric);
    const args = resolveArguments(metric, input, computed, undefined);
    const raw = await metric.evalFn(args, context);
    const value = checkReturn(metric, raw, index, output.warnings);
    if (!value) continue;
    computed[metric.key] = value;
    output.metricValues[metric.key] = value;
    if (value.aggregateResults) Object.assign(output.metrics, loggedMetricKeys(metric.key, value.aggregateResults, prefix));
    if (value.scores) output.rowColumns[`${prefix}${metric.key}/score`] = value.scores;
    if (value.justifications) output.rowColumns[`${prefix}${metric.key}/justification`] = value.justifications;
  }
  return output;
}

/** Orders metrics so that each runs after the metrics it reads; explains what is missing when that cannot be done. */
function scheduleMetrics(metrics: readonly EvaluationMetric[], input: ExtraMetricsInput): EvaluationMetric[] {
  const pending = [...metrics];
  const order: EvaluationMetric[] = [];
  const available: Record<string, MetricValue> = { ...input.metricValues };
  while (pending.length > 0) {
    const ready = pending.filter((metric) =>
      [...metric.requires, ...metric.optional].every((p) => resolve(p, metric, input, available, pending, undefined).kind !== 'wait') &&
      metric.requires.every((p) => resolve(p, metric, input, available, pending, undefined).kind === 'value'),
    );
    if (ready.length === 0) throw missingArgumentsError(pending, input, available);
    for (const metric of ready) {
      order.push(metric);
      pending.splice(pending.indexOf(metric), 1);
      // A placeholder: the real value exists once it has run; scheduling only needs to know it will.
      available[metric.key] = new MetricValue();
    }
  }
  return order;
}

async function tryOnFirstRow(order: readonly EvaluationMetric[], input: ExtraMetricsInput, context: EvalFnContext): Promise<void> {
  if (input.table.rowCount === 0) return;
  const failures: string[] = [];
  const computed: Record<string, MetricValue> = { ...input.metricValues };
  for (const metric of order) {
    try {
      const raw = await metric.evalFn(resolveArguments(metric, input, computed, 1), context);
      if (raw instanceof MetricValue) computed[metric.key] = raw;
      else if (typeof raw === 'number') computed[metric.key] = new MetricValue({ aggregateResults: { [metric.name]: raw } });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      failures.push(`Metric '${metric.name}': Error:\n${message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
    }
  }
  if (failures.length > 0) {
    throw EvalflowError.invalid(`Custom metrics failed on the first row of the data:\n${failures.join('\n')}`);
  }
}

function resolveArguments(
  metric: EvaluationMetric,
  input: ExtraMetricsInput,
  computed: Record<string, MetricValue>,
  rows: number | undefined,
): MetricArguments {
  const cut = <T>(values: readonly T[]): readonly T[] => (rows === undefined ? values : values.slice(0, rows));
  const args: MetricArguments = {
    predictions: cut(input.table.values(input.predictionsName)),
    metrics: structuredCloneMetrics(computed),
  };
  if (input.targetsName !== undefined) args.targets = cut(input.table.values(input.targetsName));
  for (const parameter of [...metric.requires, ...metric.optional]) {
    const resolution = resolve(parameter, metric, input, computed, [], rows);
    args[parameter] = resolution.kind === 'value' ? resolution.value : undefined;
  }
  return args;
}

/** MLflow's order: colMapping, predictions/targets, a literal, an input column, an other output, a config key, a metric. */
function resolve(
  parameter: string,
  metric: EvaluationMetric,
  input: ExtraMetricsInput,
  computed: Record<string, MetricValue>,
  pending: readonly EvaluationMetric[],
  rows: number | undefined,
): Resolution {
  const cut = (values: readonly unknown[]): readonly unknown[] => (rows === undefined ? values : values.slice(0, rows));
  const mapped = input.config.colMapping?.[parameter] ?? parameter;
  if (parameter === 'predictions' || mapped === input.predictionsName) {
    return { kind: 'value', value: cut(input.table.values(input.predictionsName)) };
  }
  if (parameter === 'targets' || (input.targetsName !== undefined && mapped === input.targetsName)) {
    return input.targetsName === undefined
      ? { kind: 'missing', reason: 'targets' }
      : { kind: 'value', value: cut(input.table.values(input.targetsName)) };
  }
  if (parameter === 'metrics') return { kind: 'value', value: structuredCloneMetrics(computed) };
  if (typeof mapped !== 'string') return { kind: 'value', value: mapped };
  if (input.table.has(mapped) && (input.featureNames.includes(mapped) || input.otherOutputNames.includes(mapped))) {
    return { kind: 'value', value: cut(input.table.values(mapped)) };
  }
  if (input.config[mapped] !== undefined) return { kind: 'value', value: input.config[mapped] };
  const metricKey = Object.keys(computed).find((key) => key.split('/')[0] === mapped);
  if (metricKey !== undefined) return { kind: 'value', value: computed[metricKey] };
  if (pending.some((other) => other !== metric && other.name === mapped)) return { kind: 'wait' };
  return { kind: 'missing', reason: 'column' };
}

function missingArgumentsError(
  pending: readonly EvaluationMetric[],
  input: ExtraMetricsInput,
  available: Record<string, MetricValue>,
): EvalflowError {
  const lines = ['Error: Metric calculation failed for the following metrics:'];
  for (const metric of pending) {
    const missingColumns: string[] = [];
    let needsTargets = false;
    for (const parameter of metric.requires) {
      const resolution = resolve(parameter, metric, input, available, pending, undefined);
      if (resolution.kind === 'missing' && resolution.reason === 'targets') needsTargets = true;
      else if (resolution.kind !== 'value') missingColumns.push(parameter);
    }
    lines.push(`Metric '${metric.name}' requires the following:`);
    if (needsTargets) lines.push("- the 'targets' parameter needs to be specified");
    if (missingColumns.length > 0) {
      lines.push(`- missing columns [${missingColumns.map((c) => `'${c}'`).join(', ')}] need to be defined or mapped`);
    }
    if (!needsTargets && missingColumns.length === 0) lines.push('- metrics it depends on, which form a cycle');
  }
  const inputColumns = [...input.featureNames, input.targetsName ?? 'targets'];
  const outputColumns = [...input.otherOutputNames, input.predictionsName];
  lines.push(
    '',
    'Below are the existing column names for the input/output data:',
    `Input Columns: [${inputColumns.map((c) => `'${c}'`).join(', ')}]`,
    `Output Columns: [${outputColumns.map((c) => `'${c}'`).join(', ')}]`,
    '',
    'To resolve this issue, you may need to:',
    '- specify any required parameters',
    '- if you are missing columns, check that there are no circular dependencies among your metrics, and you may ' +
      'want to map them to an existing column using the following configuration:',
    "evaluatorConfig={ colMapping: { <missing column name>: <existing column name> } }",
  );
  return EvalflowError.invalid(lines.join('\n'));
}

/** MLflow's return checks: anything unusable skips the metric with a warning naming its index. */
function checkReturn(metric: EvaluationMetric, raw: unknown, index: number, warnings: string[]): MetricValue | undefined {
  const skip = (why: string): undefined => {
    warnings.push(`Did not log metric '${metric.name}' at index ${index} in the \`extraMetrics\` parameter because it ${why}`);
    return undefined;
  };
  if (raw === null || raw === undefined) return skip('returned None.');
  if (typeof raw === 'number') return new MetricValue({ aggregateResults: { [metric.name]: raw } });
  if (!(raw instanceof MetricValue)) return skip('did not return a MetricValue.');
  if (raw.scores !== undefined) {
    if (!Array.isArray(raw.scores)) return skip('must return MetricValue with scores as a list.');
    if (raw.scores.some((s) => s !== null && typeof s !== 'number' && typeof s !== 'string')) {
      return skip('must return MetricValue with numeric or string scores.');
    }
  }
  if (raw.justifications !== undefined) {
    if (!Array.isArray(raw.justifications)) return skip('must return MetricValue with justifications as a list.');
    if (raw.justifications.some((j) => typeof j !== 'string')) return skip('must return MetricValue with string justifications.');
  }
  if (raw.aggregateResults !== undefined) {
    if (raw.aggregateResults === null || typeof raw.aggregateResults !== 'object' || Array.isArray(raw.aggregateResults)) {
      return skip('must return MetricValue with aggregate_results as a dict.');
    }
    if (Object.values(raw.aggregateResults).some((v) => v !== null && typeof v !== 'number')) {
      return skip('must return MetricValue with aggregate_results with str keys and numeric values.');
    }
  }
  return raw;
}

/** Custom metrics get their own copy, so one cannot change what the next one sees (MLflow deep-copies too). */
function structuredCloneMetrics(metrics: Record<string, MetricValue>): Record<string, MetricValue> {
  const copy: Record<string, MetricValue> = {};
  for (const [key, value] of Object.entries(metrics)) {
    copy[key] = new MetricValue({
      ...(value.scores && { scores: [...value.scores] }),
      ...(value.justifications && { justifications: [...value.justifications] }),
      ...(value.aggregateResults && { aggregateResults: { ...value.aggregateResults } }),
    });
  }
  return copy;
}
