import { EvalflowError } from '../src/core/errors.js';
import type { Feedback } from '../src/assessments/entities.js';
import { toFeedbacks } from './to-feedbacks.js';
import type { Aggregation, AggregationName, Scorer, ScorerInput, ScorerReturn } from './types.js';

export const AGGREGATION_NAMES: readonly AggregationName[] = ['min', 'max', 'mean', 'median', 'variance', 'p90'];

export interface ScorerOptions {
  /** Default: the function's name. */
  name?: string;
  /** Run-metric aggregations of the feedback values; default null (= ["mean"]), [] for none. */
  aggregations?: readonly Aggregation[] | null;
}

export type ScorerFunction = (input: ScorerInput) => ScorerReturn | Promise<ScorerReturn>;

/**
 * A code scorer: `fn` gets `{ inputs, outputs, expectations, trace }` and returns a number, boolean, string,
 * Feedback, Feedback[] or null (sync or async); the value becomes feedback with source CODE/<name>. A function that
 * throws makes score() reject, which evaluate() records as a SCORER_ERROR feedback.
 */
export function scorer(fn: ScorerFunction, options: ScorerOptions = {}): Scorer {
  if (typeof fn !== 'function') throw EvalflowError.invalid('scorer(fn, { name?, aggregations? }) takes a function.');
  const name = checkScorerName(options.name ?? fn.name, 'scorer');
  const aggregations = checkAggregations(options.aggregations ?? null, name);
  return Object.freeze({
    name,
    aggregations,
    kind: 'code' as const,
    async score(input: ScorerInput): Promise<Feedback[]> {
      const { inputs, outputs, expectations, trace } = input ?? {};
      return toFeedbacks(await fn({ inputs, outputs, expectations, trace }), name);
    },
  });
}

export function checkScorerName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw EvalflowError.invalid(`A ${what} needs a non-empty name: pass { name } (an anonymous function has none).`);
  }
  return name;
}

/** null stays null (evaluate() then takes the mean); otherwise each entry is a known name or a named function. */
export function checkAggregations(aggregations: readonly Aggregation[] | null, scorerName: string): readonly Aggregation[] | null {
  if (aggregations === null) return null;
  if (!Array.isArray(aggregations)) throw EvalflowError.invalid(`The aggregations of scorer "${scorerName}" must be an array or null.`);
  for (const aggregation of aggregations) {
    if (typeof aggregation === 'function') {
      if (!aggregation.name) throw EvalflowError.invalid(`A custom aggregation of scorer "${scorerName}" must be a named function: its name is the metric key.`);
    } else if (!(AGGREGATION_NAMES as readonly unknown[]).includes(aggregation)) {
      throw EvalflowError.invalid(`Invalid aggregation ${JSON.stringify(aggregation)} for scorer "${scorerName}". Use any of ${AGGREGATION_NAMES.join(', ')}, or a function.`);
    }
  }
  return Object.freeze([...aggregations]);
}
