import { MetricValue } from '../metric-value.js';

/**
 * MLflow's `latency`: seconds the model took per row (0 for a static dataset). Scores only, no aggregates, so it is
 * a plain `latency` column of the eval results table.
 */
export function latencyMetricValue(latencies: ArrayLike<number>): MetricValue {
  return new MetricValue({ scores: Array.from(latencies), aggregateResults: {} });
}
