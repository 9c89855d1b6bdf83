import { EvalflowError } from '../../core/errors.js';
import type { Aggregation, Scorer } from '../../../judges/types.js';

/**
 * How plain columns become GenAI rows (`{ inputs, outputs, expectations, tags }`), e.g.
 * `{ inputs: 'question', outputs: 'answer', expectations: { expected_response: 'truth' } }`.
 */
export interface GenaiColumns {
  /**
   * The model's inputs: a column (`'question'` gives `{ question: row.question }`), several columns, or a record of
   * input name → column. By default every column not used for outputs, expectations, tags, targets or predictions.
   */
  inputs?: string | readonly string[] | Readonly<Record<string, string>>;
  /** The column holding the outputs of a static dataset. */
  outputs?: string;
  /** Expectations: a record of expectation name → column (`{ expected_response: 'truth' }`), or columns named as them. */
  expectations?: readonly string[] | Readonly<Record<string, string>>;
  /** Trace tags: a record of tag → column, or columns named as the tags. */
  tags?: readonly string[] | Readonly<Record<string, string>>;
}

/** Separate limits for the model and for the judges. */
export interface ConcurrencyOptions {
  /** Model calls at once (default 8). */
  predict?: number;
  /** Judge-model calls at once, across all rows and scorers (default 16); scorers get it as `context.limit`. */
  scorers?: number;
}

/** What `onProgress` gets. `done` / `total` count rows; judge calls are counted beside them. */
export interface EvaluationProgress {
  done: number;
  total: number;
  /** With scorers: `rows` while rows are predicted and scored, `done` once everything is logged. */
  phase?: 'rows' | 'done';
  /** Judge-model calls made so far (cache hits not included). */
  judgeCalls?: number;
  /** Judge replies taken from the cache so far. */
  cacheHits?: number;
}

export type { JudgeStats } from '../result.js';

/** The evaluate() options of the GenAI flow. */
export interface GenaiEvaluateOptions {
  /** Scorers and LLM judges (`evalflow/judges`); their feedback is logged as assessments on each row's trace. */
  scorers?: readonly Scorer[];
  /** Maps plain columns to inputs, outputs, expectations and tags. */
  columns?: GenaiColumns;
  /** Judge replies cached in the store by (model, prompt, parameters): on by default; `false` bypasses the cache. */
  cache?: boolean;
  /** Aborts the evaluation: judge calls are cancelled and evaluate() rejects. */
  signal?: AbortSignal;
}

export const DEFAULT_PREDICT_CONCURRENCY = 8;
export const DEFAULT_SCORER_CONCURRENCY = 16;

/** The model's concurrency: `concurrency` as a number, or its `predict` field. */
export function predictConcurrency(concurrency: number | ConcurrencyOptions | undefined): number | undefined {
  return concurrency !== null && typeof concurrency === 'object' ? concurrency.predict : concurrency;
}

export function resolveConcurrency(concurrency: number | ConcurrencyOptions | undefined): { predict: number; scorers: number } {
  if (concurrency !== undefined && concurrency !== null && typeof concurrency !== 'number' && typeof concurrency !== 'object') {
    throw EvalflowError.invalid('concurrency must be a number or { predict?, scorers? }.');
  }
  const object = typeof concurrency === 'object' && concurrency !== null ? concurrency : {};
  if (typeof concurrency === 'object' && concurrency !== null) {
    for (const key of Object.keys(concurrency)) {
      if (key !== 'predict' && key !== 'scorers') throw EvalflowError.invalid(`concurrency: unknown key "${key}". Use { predict?, scorers? }.`);
    }
  }
  const predict = (typeof concurrency === 'number' ? concurrency : object.predict) ?? DEFAULT_PREDICT_CONCURRENCY;
  const scorers = object.scorers ?? DEFAULT_SCORER_CONCURRENCY;
  for (const [name, value] of [['concurrency.predict', predict], ['concurrency.scorers', scorers]] as const) {
    if (!Number.isInteger(value) || value < 1) throw EvalflowError.invalid(`${name} must be a whole number of at least 1 (got ${String(value)}).`);
  }
  return { predict, scorers };
}

const AGGREGATION_NAMES = ['min', 'max', 'mean', 'median', 'variance', 'p90'];

/** A non-empty list of distinct Scorer objects, or an error with a hint at the usual mistakes. */
export function checkScorers(scorers: unknown): Scorer[] {
  if (!Array.isArray(scorers) || scorers.length === 0) {
    throw EvalflowError.invalid('scorers must be a non-empty array of scorers, e.g. { scorers: [correctness(), safety()] }.');
  }
  const names = new Set<string>();
  scorers.forEach((candidate: unknown, index) => {
    if (Array.isArray(candidate)) {
      throw EvalflowError.invalid(`scorers[${index}] is an array: pass one flat list of scorers, e.g. { scorers: [...builtIns, custom] }.`);
    }
    if (typeof candidate === 'function') {
      const name = (candidate as { name?: string }).name || 'it';
      throw EvalflowError.invalid(
        `scorers[${index}] is a function, not a scorer. Call the factory (${name}()) or wrap your function with scorer(fn) from evalflow/judges.`,
      );
    }
    const s = candidate as Partial<Scorer> | null;
    if (s === null || typeof s !== 'object' || typeof s.score !== 'function' || typeof s.name !== 'string' || s.name.trim() === '') {
      throw EvalflowError.invalid(`scorers[${index}] is not a scorer: a scorer has a name and score(input, context). Build one with scorer(fn) or makeJudge().`);
    }
    if (names.has(s.name)) throw EvalflowError.invalid(`Two scorers are named "${s.name}"; give each scorer its own name.`);
    names.add(s.name);
    checkAggregations(s.name, s.aggregations);
  });
  return scorers as Scorer[];
}

function checkAggregations(name: string, aggregations: unknown): void {
  if (aggregations === null || aggregations === undefined) return;
  if (!Array.isArray(aggregations)) throw EvalflowError.invalid(`The aggregations of scorer "${name}" must be a list (or null for ["mean"]).`);
  for (const aggregation of aggregations as Aggregation[]) {
    if (typeof aggregation === 'function') continue;
    if (!AGGREGATION_NAMES.includes(aggregation)) {
      throw EvalflowError.invalid(`Invalid aggregate option ${String(aggregation)} of scorer "${name}". Use any of ${AGGREGATION_NAMES.join(', ')}, or a function.`);
    }
  }
}
