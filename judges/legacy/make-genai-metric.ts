import pLimit from 'p-limit';
import { AuthenticationError, BadRequestError, PermissionDeniedError, UnprocessableEntityError } from 'openai';
import { EvalflowError } from '../../src/core/errors.js';
import { makeMetric, type EvalFnContext, type EvaluationMetric, type MetricArguments } from '../../metrics/make-metric.js';
import { aggregate, GENAI_AGGREGATIONS, MetricValue, type Score } from '../../metrics/metric-value.js';
import { callJudge } from '../judge-call.js';
import { judgeModel, type JudgeModel, type JudgeModelOptions } from '../model.js';
import { LEGACY_REASK } from '../prompts/legacy/grading-prompt.js';
import { valueText } from '../text.js';
import type { JudgeCache } from '../types.js';
import { checkExample, contextBlock, renderExample, type EvaluationExample } from './evaluation-example.js';
import { gradingPrompt } from './grading-prompt.js';
import { parseScore, type GradedScore } from './parse-score.js';

export const DEFAULT_LEGACY_PARAMETERS: Readonly<Record<string, unknown>> = Object.freeze({ temperature: 0, max_tokens: 200, top_p: 1 });

export interface MakeGenaiMetricOptions extends JudgeModelOptions {
  name: string;
  definition: string;
  /** The grading rubric. */
  gradingPrompt: string;
  examples?: readonly EvaluationExample[];
  /** Default "v1"; the metric's keys are `<name>/<version>/…`. */
  version?: string;
  /** Columns shown to the judge as "additional information" (e.g. `targets`, `context`); each is required. */
  gradingContextColumns?: readonly string[];
  /** Show the judge the `inputs` column (required then; map another column with colMapping). Default true. */
  includeInput?: boolean;
  /** Inference parameters; default { temperature: 0, max_tokens: 200, top_p: 1 }. */
  parameters?: Record<string, unknown>;
  /** Run metrics over the scores; default ["mean", "variance", "p90"]. */
  aggregations?: readonly string[];
  greaterIsBetter?: boolean;
  /** Rows judged at once; default 10. */
  maxWorkers?: number;
  metricMetadata?: Record<string, unknown>;
  /**
   * Replies remembered by (server, model, prompt, parameters): by default in memory for one evaluate() call, so the
   * first row that evaluate() tries alone is not judged twice, and nothing is kept between evaluations (nor for a
   * direct evalFn call); pass a cache of your own to keep replies, or false to always ask. `evaluate(..., { cache:
   * false })` always asks too: it reaches the metric as the second argument of its evalFn (EvalFnContext).
   */
  cache?: JudgeCache | false;
}

/**
 * A graded LLM metric for `evaluate(..., { extraMetrics })` (MLflow's deprecated make_genai_metric, spec §6): each row
 * gets a 1–5 score and a justification (`<name>/v1/score`, `<name>/v1/justification`), and the run the aggregations
 * (`<name>/v1/mean` …). A row whose judge call fails scores null with the reason as justification; a bad request or
 * an authentication error stops the metric instead.
 */
export function makeGenaiMetric(options: MakeGenaiMetricOptions): EvaluationMetric {
  if (options === null || typeof options !== 'object') throw EvalflowError.invalid('makeGenaiMetric takes { name, definition, gradingPrompt, … }.');
  const { name } = options;
  for (const field of ['name', 'definition', 'gradingPrompt'] as const) {
    if (typeof options[field] !== 'string' || options[field].trim() === '') {
      throw EvalflowError.invalid(`makeGenaiMetric${typeof name === 'string' ? ` '${name}'` : ''}: ${field} must be a non-empty string.`);
    }
  }
  const version = options.version ?? 'v1';
  const columns = [...(options.gradingContextColumns ?? [])];
  if (columns.some((c) => typeof c !== 'string' || c === '')) throw EvalflowError.invalid(`makeGenaiMetric '${name}': gradingContextColumns must be column names.`);
  const includeInput = options.includeInput ?? true;
  const aggregations = [...(options.aggregations ?? ['mean', 'variance', 'p90'])];
  const unknown = aggregations.find((a) => !(GENAI_AGGREGATIONS as readonly string[]).includes(a));
  if (unknown !== undefined) throw EvalflowError.invalid(`Invalid aggregate option ${unknown}. Use any of ${GENAI_AGGREGATIONS.join(', ')}.`);
  const maxWorkers = options.maxWorkers ?? 10;
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1) throw EvalflowError.invalid(`makeGenaiMetric '${name}': maxWorkers must be a positive integer.`);
  const examples = (options.examples ?? []).map((example) => checkExample(example, columns, name));
  const model = judgeModel(options);
  const parameters = { ...DEFAULT_LEGACY_PARAMETERS, ...options.parameters };
  // The default in-memory caches, one per evaluation: keyed by the evaluation's EvalFnContext, dropped with it.
  const evaluationCaches = new WeakMap<EvalFnContext, JudgeCache>();
  const cacheFor = (context: EvalFnContext | undefined): JudgeCache | undefined => {
    if (options.cache === false || context?.cache === false) return undefined;
    if (options.cache !== undefined) return options.cache;
    if (context === undefined) return undefined;
    let cache = evaluationCaches.get(context);
    if (cache === undefined) {
      cache = memoryCache();
      evaluationCaches.set(context, cache);
    }
    return cache;
  };
  const fixed = {
    name,
    definition: options.definition,
    grading_prompt: options.gradingPrompt,
    ...(examples.length > 0 && { examples: examples.map((e) => renderExample(e, columns, includeInput)).join('\n\n') }),
  };

  async function evalFn(args: MetricArguments, evaluation?: EvalFnContext): Promise<MetricValue> {
    const predictions = args.predictions;
    const cache = cacheFor(evaluation);
    const limit = pLimit(maxWorkers);
    const graded = await Promise.all(
      predictions.map((prediction, row) =>
        limit(() => {
          const context = Object.fromEntries(columns.map((c) => [c, (args[c] as readonly unknown[] | undefined)?.[row]]));
          const input = includeInput ? (args.inputs as readonly unknown[] | undefined)?.[row] : undefined;
          const prompt = gradingPrompt({
            ...fixed,
            output: valueText(prediction),
            ...(input !== undefined && input !== null && { input: valueText(input) }),
            grading_context: contextBlock(context, columns),
          });
          return gradeRow(name, model, prompt, parameters, cache);
        }),
      ),
    );
    const scores: Score[] = graded.map((g) => g.score);
    const found = aggregate(scores, aggregations);
    return new MetricValue({
      scores,
      justifications: graded.map((g) => g.justification),
      aggregateResults: Object.fromEntries(aggregations.map((a) => [a, found[a] ?? null])),
    });
  }

  return makeMetric({
    name,
    version,
    evalFn,
    greaterIsBetter: options.greaterIsBetter ?? true,
    requires: [...(includeInput ? ['inputs'] : []), ...columns],
    metricDetails: `${options.definition}\n\nGrading rubric:\n${options.gradingPrompt}`,
    ...(options.metricMetadata && { metricMetadata: options.metricMetadata }),
  });
}

async function gradeRow(
  name: string,
  model: JudgeModel,
  prompt: string,
  parameters: Record<string, unknown>,
  cache: JudgeCache | undefined,
): Promise<{ score: number | null; justification: string }> {
  const result = await callJudge<GradedScore>(
    { scorer: name, model, messages: [{ role: 'user', content: prompt }], parameters, parse: parseScore, reaskHint: LEGACY_REASK },
    cache ? { cache } : {},
  );
  if (result.ok) return result.value;
  const cause = result.cause;
  if (cause instanceof BadRequestError || cause instanceof AuthenticationError || cause instanceof PermissionDeniedError || cause instanceof UnprocessableEntityError) {
    throw new EvalflowError('BAD_REQUEST', `The judge model ${model.uri} refused the request of metric '${name}': ${cause.message}`, { cause });
  }
  if (result.raw !== undefined) return { score: null, justification: `Failed to extract score and justification. Raw output: ${result.raw}` };
  return { score: null, justification: `Failed to score model on payload. Error: ${result.error.errorMessage ?? result.error.errorCode}` };
}

const MEMORY_CACHE_LIMIT = 10_000;

/** An in-memory reply cache that forgets its oldest entries past 10,000. */
function memoryCache(): JudgeCache {
  const entries = new Map<string, string>();
  return {
    get: async (key) => entries.get(key),
    set: async (key, value) => {
      entries.set(key, value);
      if (entries.size > MEMORY_CACHE_LIMIT) entries.delete(entries.keys().next().value as string);
    },
  };
}
