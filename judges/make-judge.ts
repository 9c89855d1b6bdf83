import { EvalflowError } from '../src/core/errors.js';
import type { Feedback } from '../src/assessments/entities.js';
import { callJudge, type ChatMessage } from './judge-call.js';
import { judgeFeedback } from './judge-feedback.js';
import { judgeModel, type JudgeModelOptions } from './model.js';
import {
  JUDGE_REASK,
  JUDGE_SYSTEM_PROMPT,
  RATIONALE_FIRST_FORMAT,
  RESULT_FIRST_FORMAT,
  TRACE_JUDGE_SYSTEM_PROMPT,
} from './prompts/make-judge.js';
import { parseVerdict } from './reply.js';
import { checkAggregations, checkScorerName } from './scorer.js';
import { renderTemplate, templateVariables } from './template.js';
import { jsonText } from './text.js';
import { fillFromTrace, traceSummary } from './trace-fields.js';
import type { Aggregation, Scorer, ScoreContext, ScorerInput } from './types.js';
import { valueTypeSpec, type FeedbackValueType } from './value-types.js';

const TEMPLATE_VARIABLES = ['inputs', 'outputs', 'expectations', 'trace'] as const;
type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export interface MakeJudgeOptions extends JudgeModelOptions {
  name: string;
  /** What to judge, using `{{ inputs }}`, `{{ outputs }}`, `{{ expectations }}` and/or `{{ trace }}`. */
  instructions: string;
  /** Default "string". */
  feedbackValueType?: FeedbackValueType;
  description?: string;
  /** Sent with each call (temperature, max_tokens …). */
  inferenceParams?: Record<string, unknown>;
  /** Ask for the rationale before the result. */
  generateRationaleFirst?: boolean;
  /** Default [] (no run metric), as MLflow's make_judge; null means ["mean"]. */
  aggregations?: readonly Aggregation[] | null;
}

export interface Judge extends Scorer {
  readonly instructions: string;
  readonly description: string | undefined;
  readonly feedbackValueType: FeedbackValueType;
}

/**
 * A judge from instructions (MLflow's make_judge, spec §5). The template, value type and model are checked here.
 * With `{{ trace }}`, evalflow inlines a compact JSON summary of the trace's spans (names, types, truncated inputs and
 * outputs) in the prompt rather than running MLflow's tool-calling loop over the trace: one call per row, and any
 * OpenAI-compatible server works, at the price of truncated span values.
 */
export function makeJudge(options: MakeJudgeOptions): Judge {
  if (options === null || typeof options !== 'object') throw EvalflowError.invalid('makeJudge takes { name, instructions, model?, feedbackValueType? }.');
  const name = checkScorerName(typeof options.name === 'string' ? options.name.trim() : options.name, 'judge');
  if (typeof options.instructions !== 'string' || options.instructions.trim() === '') {
    throw EvalflowError.invalid(`makeJudge "${name}": instructions must be a non-empty string.`);
  }
  const instructions = options.instructions;
  const variables = checkTemplate(instructions);
  const feedbackValueType = options.feedbackValueType ?? 'string';
  const valueType = valueTypeSpec(feedbackValueType);
  const aggregations = checkAggregations(options.aggregations === undefined ? [] : options.aggregations, name);
  const model = judgeModel(options);
  const traceMode = variables.includes('trace');
  const rationaleFirst = options.generateRationaleFirst === true;
  const systemPrompt = traceMode
    ? renderTemplate(TRACE_JUDGE_SYSTEM_PROMPT, { instructions, fields: fieldList(valueType.label, rationaleFirst) })
    : renderTemplate(JUDGE_SYSTEM_PROMPT, { instructions, reply_format: rationaleFirst ? RATIONALE_FIRST_FORMAT : RESULT_FIRST_FORMAT });
  const rationale = { type: 'string' };
  const properties = rationaleFirst ? { rationale, result: valueType.jsonSchema } : { result: valueType.jsonSchema, rationale };
  const responseSchema = {
    name: 'judgement',
    schema: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false },
  };
  const parameters = { ...options.inferenceParams };

  async function score(input: ScorerInput, context?: ScoreContext): Promise<Feedback[]> {
    const values = valuesFor(name, variables, input ?? {});
    const messages: ChatMessage[] = [
      { role: 'system', content: systemPrompt },
      { role: 'user', content: userMessage(variables, values) },
    ];
    const result = await callJudge(
      {
        scorer: name,
        model,
        messages,
        responseSchema,
        parameters,
        parse: (reply) => {
          const verdict = parseVerdict(reply, valueType.result);
          return { value: verdict.result, rationale: verdict.rationale };
        },
        reaskHint: JUDGE_REASK,
      },
      context,
    );
    return [judgeFeedback(result, { name, model })];
  }

  return Object.freeze({
    name,
    aggregations,
    kind: 'llm' as const,
    model: model.uri,
    instructions,
    description: options.description,
    feedbackValueType,
    score,
  });
}

/** The template's variables; unsupported ones, or none at all, are INVALID_PARAMETER_VALUE. */
function checkTemplate(instructions: string): TemplateVariable[] {
  const variables = templateVariables(instructions);
  const unsupported = variables.filter((v) => !(TEMPLATE_VARIABLES as readonly string[]).includes(v));
  if (unsupported.length > 0) {
    const sessions = unsupported.includes('conversation') ? ' Session judges ({{ conversation }}) are not supported.' : '';
    throw EvalflowError.invalid(
      `Instructions template contains unsupported variables: ${unsupported.map((v) => `{{ ${v} }}`).join(', ')}. ` +
        `Use {{ inputs }}, {{ outputs }}, {{ expectations }} or {{ trace }}.${sessions}`,
    );
  }
  if (variables.length === 0) {
    throw EvalflowError.invalid(
      'Instructions template must contain at least one variable: {{ inputs }}, {{ outputs }}, {{ expectations }} or {{ trace }}.',
    );
  }
  return variables as TemplateVariable[];
}

function valuesFor(name: string, variables: readonly TemplateVariable[], raw: ScorerInput): ScorerInput {
  if (raw.expectations !== undefined && (raw.expectations === null || typeof raw.expectations !== 'object' || Array.isArray(raw.expectations))) {
    throw EvalflowError.invalid(`Judge "${name}": expectations must be an object of expectation name to value.`);
  }
  if (raw.trace !== undefined && !Array.isArray((raw.trace as { data?: { spans?: unknown } } | null)?.data?.spans)) {
    throw EvalflowError.invalid(`Judge "${name}": trace must be a Trace (from getTrace or searchTraces).`);
  }
  const input = fillFromTrace(raw);
  const missing = variables.filter((v) => input[v] === undefined || input[v] === null);
  if (missing.length > 0) {
    throw EvalflowError.invalid(`Must specify ${missing.map((v) => `'${v}'`).join(', ')} - required by template variables in instructions.`, {
      judge: name,
      missing,
    });
  }
  return input;
}

/** One `<variable>: <JSON>` line per template variable, in order of first appearance; the trace as its summary. */
function userMessage(variables: readonly TemplateVariable[], input: ScorerInput): string {
  return variables.map((v) => (v === 'trace' ? `trace: ${traceSummary(input.trace!)}` : `${v}: ${jsonText(input[v], 2)}`)).join('\n');
}

function fieldList(resultLabel: string, rationaleFirst: boolean): string {
  const result = `- result (${resultLabel}): the rating or outcome of your evaluation`;
  const rationale = '- rationale (string): a detailed explanation of your verdict, citing the spans you relied on';
  return rationaleFirst ? `${rationale}\n${result}` : `${result}\n${rationale}`;
}
