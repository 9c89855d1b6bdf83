import type { EvaluationMetric } from '../../metrics/make-metric.js';
import type { JudgeModelOptions } from '../model.js';
import { ANSWER_CORRECTNESS } from '../prompts/legacy/answer-correctness.js';
import { ANSWER_RELEVANCE } from '../prompts/legacy/answer-relevance.js';
import { ANSWER_SIMILARITY } from '../prompts/legacy/answer-similarity.js';
import { FAITHFULNESS } from '../prompts/legacy/faithfulness.js';
import { RELEVANCE } from '../prompts/legacy/relevance.js';
import type { JudgeCache } from '../types.js';
import type { EvaluationExample } from './evaluation-example.js';
import { makeGenaiMetric } from './make-genai-metric.js';

/** Options of the built-in graded metrics. */
export interface GenaiMetricOptions extends JudgeModelOptions {
  /** Default "v1". */
  metricVersion?: string;
  /** Replace the two built-in examples. */
  examples?: readonly EvaluationExample[];
  parameters?: Record<string, unknown>;
  aggregations?: readonly string[];
  maxWorkers?: number;
  metricMetadata?: Record<string, unknown>;
  cache?: JudgeCache | false;
}

interface Definition {
  definition: string;
  gradingPrompt: string;
  examples: readonly EvaluationExample[];
}

function builtinMetric(name: string, definition: Definition, columns: string[], includeInput: boolean, options: GenaiMetricOptions): EvaluationMetric {
  const { metricVersion, examples, ...rest } = options;
  return makeGenaiMetric({
    ...rest,
    name,
    definition: definition.definition,
    gradingPrompt: definition.gradingPrompt,
    examples: examples ?? definition.examples,
    version: metricVersion ?? 'v1',
    gradingContextColumns: columns,
    includeInput,
    greaterIsBetter: true,
  });
}

/** `answer_similarity`: 1–5, how close the output is in meaning to `targets`. The input is not shown. */
export const answerSimilarity = (options: GenaiMetricOptions = {}): EvaluationMetric =>
  builtinMetric('answer_similarity', ANSWER_SIMILARITY, ['targets'], false, options);

/** `answer_correctness`: 1–5, how correct the output is for the input, judged against `targets`. */
export const answerCorrectness = (options: GenaiMetricOptions = {}): EvaluationMetric =>
  builtinMetric('answer_correctness', ANSWER_CORRECTNESS, ['targets'], true, options);

/** `faithfulness`: 1–5, how well the output's claims are backed by the `context` column. The input is not shown. */
export const faithfulness = (options: GenaiMetricOptions = {}): EvaluationMetric =>
  builtinMetric('faithfulness', FAITHFULNESS, ['context'], false, options);

/** `answer_relevance`: 1–5, how directly the output addresses the input. */
export const answerRelevance = (options: GenaiMetricOptions = {}): EvaluationMetric =>
  builtinMetric('answer_relevance', ANSWER_RELEVANCE, [], true, options);

/** `relevance`: 1–5, how well the output answers the input using the `context` column. */
export const relevance = (options: GenaiMetricOptions = {}): EvaluationMetric =>
  builtinMetric('relevance', RELEVANCE, ['context'], true, options);
