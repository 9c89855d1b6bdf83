import { EvalflowError } from '../src/core/errors.js';
import { MetricValue } from '../metrics/metric-value.js';
import type { EvaluatorInput, EvaluatorOutput } from './types.js';

/** Built-in scalar metrics as an evaluator output: logged under `prefix + name`, seen by custom metrics as MetricValues. */
export function scalarMetricsOutput(metrics: Record<string, number>, prefix: string): EvaluatorOutput {
  const output: EvaluatorOutput = { metrics: {}, metricValues: {}, artifacts: [], rowColumns: {}, warnings: [] };
  for (const [name, value] of Object.entries(metrics)) {
    output.metrics[`${prefix}${name}`] = value;
    output.metricValues[`${prefix}${name}`] = new MetricValue({ aggregateResults: { [name]: value } });
  }
  return output;
}

/** `sampleWeights` from the config: an array with one weight per row, or the name of a column holding them. */
export function sampleWeightsOf(input: EvaluatorInput): Float64Array | undefined {
  const weights = input.config.sampleWeights;
  if (weights === undefined) return undefined;
  if (typeof weights === 'string') return input.table.finiteNumbers(weights, 'sample weights column');
  if (weights.length !== input.table.rowCount) {
    throw EvalflowError.invalid(
      `sampleWeights has ${weights.length} values but the data has ${input.table.rowCount} rows; give one weight per row.`,
    );
  }
  return Float64Array.from(weights);
}
