import { max, mean, min, variance } from 'simple-statistics';
import { EvalflowError } from '../src/core/errors.js';

/** A per-row score: a number, a string, or null for a row the metric could not score. */
export type Score = number | string | null;

/** Mirrors MLflow's `MetricValue`: per-row scores and justifications, and aggregate results. */
export class MetricValue {
  readonly scores: Score[] | undefined;
  readonly justifications: string[] | undefined;
  readonly aggregateResults: Record<string, number | null> | undefined;

  constructor(init: { scores?: Score[]; justifications?: string[]; aggregateResults?: Record<string, number | null> } = {}) {
    this.scores = init.scores;
    this.justifications = init.justifications;
    // As MLflow: numeric scores without explicit aggregates get the standard aggregations.
    this.aggregateResults =
      init.aggregateResults ??
      (init.scores !== undefined && init.scores.length > 0 && init.scores.every((s) => typeof s === 'number')
        ? standardAggregations(init.scores as number[])
        : undefined);
  }
}

/** mean, population variance and the 90th percentile (numpy's linear interpolation), MLflow's standard three. */
export function standardAggregations(scores: readonly number[]): { mean: number; variance: number; p90: number } {
  if (scores.length === 0) {
    throw EvalflowError.invalid('Cannot aggregate an empty list of scores: a metric must score at least one row.');
  }
  return { mean: mean(scores as number[]), variance: variance(scores as number[]), p90: linearPercentile(scores, 0.9) };
}

/** numpy.percentile with the default "linear" method: the value at position q·(n−1) of the sorted scores. */
export function linearPercentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  const t = position - lower;
  // numpy's _lerp: from the nearer end, so the result matches numpy to the last bit.
  return t >= 0.5 ? high - (high - low) * (1 - t) : low + (high - low) * t;
}

/** The aggregations an LLM/GenAI metric may ask for, as MLflow allows. */
export const GENAI_AGGREGATIONS = ['min', 'max', 'mean', 'median', 'variance', 'p90'] as const;
export type GenaiAggregation = (typeof GENAI_AGGREGATIONS)[number];

/** The named aggregations over the non-null numeric scores. */
export function aggregate(scores: readonly Score[], aggregations: readonly string[]): Record<string, number> {
  const numbers = scores.filter((s): s is number => typeof s === 'number' && !Number.isNaN(s));
  const result: Record<string, number> = {};
  for (const name of aggregations) {
    if (!(GENAI_AGGREGATIONS as readonly string[]).includes(name)) {
      throw EvalflowError.invalid(`Invalid aggregate option ${name}. Use any of ${GENAI_AGGREGATIONS.join(', ')}.`);
    }
    if (numbers.length === 0) continue;
    if (name === 'min') result.min = min(numbers);
    else if (name === 'max') result.max = max(numbers);
    else if (name === 'mean') result.mean = mean(numbers);
    else if (name === 'median') result.median = linearPercentile(numbers, 0.5);
    else if (name === 'variance') result.variance = variance(numbers);
    else result.p90 = linearPercentile(numbers, 0.9);
  }
  return result;
}
