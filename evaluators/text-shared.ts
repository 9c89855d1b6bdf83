import { describeInput, firstNonString } from '../metrics/text/inputs.js';
import { TEXT_METRICS, type TextMetricInfo } from '../metrics/text/builtins.js';
import { latencyMetricValue } from '../metrics/text/latency.js';
import { loggedMetricKeys } from '../metrics/make-metric.js';
import type { MetricValue } from '../metrics/metric-value.js';
import type { EvaluatorInput, EvaluatorOutput } from './types.js';

/** Adds one built-in metric to an output: its logged keys (§2.6, with the prefix), its MetricValue, its table column. */
export function addMetric(output: EvaluatorOutput, info: Pick<TextMetricInfo, 'key' | 'column'>, value: MetricValue, prefix: string): void {
  Object.assign(output.metrics, loggedMetricKeys(info.key, value.aggregateResults ?? {}, prefix));
  output.metricValues[`${prefix}${info.key}`] = value;
  if (value.scores === undefined) return;
  if (info.column === 'score') output.rowColumns[`${prefix}${info.key}/score`] = value.scores;
  else if (info.column === 'plain') output.rowColumns[`${prefix}${info.key}`] = value.scores;
}

/** The latency column (seconds per row, 0 for a static dataset), when the evaluation has latencies. */
export function addLatency(output: EvaluatorOutput, input: EvaluatorInput, prefix: string): void {
  if (input.latencies !== undefined) addMetric(output, TEXT_METRICS.latency, latencyMetricValue(input.latencies), prefix);
}

/** How a column is named in warnings: `the predictions column "answer"`. */
export function columnSpecifier(input: EvaluatorInput, which: 'predictions' | 'targets'): string {
  return which === 'predictions' ? `the predictions column "${input.predictionsName}"` : `the targets column "${input.targetsName ?? 'targets'}"`;
}

/**
 * The column's values when they are all strings. Otherwise a warning like MLflow's (naming the column, the row and
 * what was found there) is added and undefined returned: the metric is skipped, nothing is logged.
 */
export function textColumn(input: EvaluatorInput, output: EvaluatorOutput, which: 'predictions' | 'targets', metric: string): readonly string[] | undefined {
  const name = which === 'predictions' ? input.predictionsName : input.targetsName;
  if (name === undefined) {
    output.warnings.push(
      `Cannot calculate ${metric}: it compares the predictions with targets, and no targets column is given ` +
        '(name it with { targets: "column" }). Skipping metric logging.',
    );
    return undefined;
  }
  const values = input.table.values(name);
  if (values.length === 0) {
    output.warnings.push(`Cannot calculate ${metric} for empty inputs: ${columnSpecifier(input, which)} is empty. Skipping metric logging.`);
    return undefined;
  }
  const row = firstNonString(values);
  if (row >= 0) {
    output.warnings.push(
      `Cannot calculate ${metric} for non-string inputs. Non-string found for ${columnSpecifier(input, which)} on row ${row}: ` +
        `${describeInput(values[row])}, where a string is expected. Skipping metric logging.`,
    );
    return undefined;
  }
  return values as readonly string[];
}
