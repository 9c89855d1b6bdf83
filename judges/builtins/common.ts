import type { Feedback } from '../../src/assessments/entities.js';
import { callJudge } from '../judge-call.js';
import { judgeFeedback } from '../judge-feedback.js';
import { judgeModel, type JudgeModel, type JudgeModelOptions } from '../model.js';
import { YES_NO_REASK } from '../prompts/verdict-format.js';
import { parseVerdict } from '../reply.js';
import { checkAggregations, checkScorerName } from '../scorer.js';
import { renderTemplate } from '../template.js';
import { fillFromTrace } from '../trace-fields.js';
import type { Aggregation, Scorer, ScoreContext, ScorerInput } from '../types.js';
import { YES_NO_SCHEMA, yesNoUnknownResult } from '../yes-no.js';

/** What every built-in judge takes: its name, model and connection, aggregations and inference parameters. */
export interface BuiltinJudgeOptions extends JudgeModelOptions {
  name?: string;
  /** Default null: evaluate() logs the mean of yes = 1 / no = 0. */
  aggregations?: readonly Aggregation[] | null;
  /** Sent with each call (temperature, max_tokens …). */
  inferenceParams?: Record<string, unknown>;
}

/** One built-in judge: it asks yes/no questions of its model. */
export interface YesNoJudge {
  readonly name: string;
  readonly model: JudgeModel;
  /** Asks one prompt (a single user message) and returns the verdict, or the error, as feedback. */
  ask(
    template: string,
    values: Readonly<Record<string, string>>,
    context: ScoreContext | undefined,
    feedback?: { name?: string; spanId?: string; metadata?: Record<string, string> },
  ): Promise<Feedback>;
}

/**
 * A built-in LLM scorer: the row's missing fields come from its trace, then `run` builds the prompts. Options are
 * checked (and the model URI parsed) here, when the judge is created.
 */
export function builtinJudge(
  defaultName: string,
  options: BuiltinJudgeOptions,
  run: (input: ScorerInput, judge: YesNoJudge, context: ScoreContext | undefined) => Promise<Feedback[]>,
): Scorer {
  const name = checkScorerName(options.name ?? defaultName, 'judge');
  const aggregations = checkAggregations(options.aggregations ?? null, name);
  const model = judgeModel(options);
  const parameters = { ...options.inferenceParams };
  const judge: YesNoJudge = {
    name,
    model,
    async ask(template, values, context, feedback = {}) {
      const result = await callJudge(
        {
          scorer: name,
          model,
          messages: [{ role: 'user', content: renderTemplate(template, values) }],
          responseSchema: { name: 'verdict', schema: YES_NO_SCHEMA },
          parameters,
          parse: (reply) => {
            const verdict = parseVerdict(reply, yesNoUnknownResult);
            return { value: verdict.result, rationale: verdict.rationale };
          },
          reaskHint: YES_NO_REASK,
        },
        context,
      );
      return judgeFeedback(result, { name: feedback.name ?? name, model, ...(feedback.spanId !== undefined && { spanId: feedback.spanId }), ...(feedback.metadata && { metadata: feedback.metadata }) });
    },
  };
  return Object.freeze({
    name,
    aggregations,
    kind: 'llm' as const,
    model: model.uri,
    score: (input: ScorerInput, context?: ScoreContext) => run(fillFromTrace(input ?? {}), judge, context),
  });
}

/** An expectation that is a string or a list of strings, as prompt text (a list as "- item" lines). */
export function bulletList(items: readonly unknown[]): string {
  return items.map((item) => `- ${typeof item === 'string' ? item : JSON.stringify(item)}`).join('\n');
}
