import { standardAggregations, MetricValue } from '../metric-value.js';

/** A built-in text metric's names, as MLflow logs them. */
export interface TextMetricInfo {
  name: string;
  version: string | undefined;
  longName: string;
  /** Descriptive only, as in MLflow. */
  greaterIsBetter: boolean;
  /** `name/version`, or `name`: the internal key. */
  key: string;
  /** How its per-row values appear in the eval results table: `key/score`, a plain `key` column, or not at all. */
  column: 'score' | 'plain' | 'none';
}

function info(name: string, version: string | undefined, longName: string, greaterIsBetter: boolean, column: TextMetricInfo['column']): TextMetricInfo {
  return Object.freeze({ name, version, longName, greaterIsBetter, key: version ? `${name}/${version}` : name, column });
}

export const TEXT_METRICS = {
  token_count: info('token_count', undefined, 'token_count', true, 'plain'),
  toxicity: info('toxicity', 'v1', 'toxicity/omni-moderation', false, 'score'),
  flesch_kincaid_grade_level: info('flesch_kincaid_grade_level', 'v1', 'flesch_kincaid_grade_level', false, 'score'),
  ari_grade_level: info('ari_grade_level', 'v1', 'automated_readability_index_grade_level', false, 'score'),
  exact_match: info('exact_match', 'v1', 'exact_match', true, 'none'),
  rouge1: info('rouge1', 'v1', 'rouge1', true, 'score'),
  rouge2: info('rouge2', 'v1', 'rouge2', true, 'score'),
  rougeL: info('rougeL', 'v1', 'rougeL', true, 'score'),
  rougeLsum: info('rougeLsum', 'v1', 'rougeLsum', true, 'score'),
  latency: info('latency', undefined, 'latency', false, 'plain'),
} as const satisfies Record<string, TextMetricInfo>;

export type TextMetricName = keyof typeof TEXT_METRICS;

/** Per-row numeric scores with MLflow's standard aggregations (mean, variance, p90). */
export function scoredMetricValue(scores: ArrayLike<number>): MetricValue {
  const list = Array.from(scores);
  return new MetricValue({ scores: list, aggregateResults: standardAggregations(list) });
}
