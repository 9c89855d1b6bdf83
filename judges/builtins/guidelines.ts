import { EvalflowError } from '../../src/core/errors.js';
import { GUIDELINES_PROMPT } from '../prompts/guidelines.js';
import { inputsToText, outputsToText } from '../text.js';
import type { Scorer, ScoreContext, ScorerInput } from '../types.js';
import { builtinJudge, type BuiltinJudgeOptions, type YesNoJudge } from './common.js';

export interface GuidelinesOptions extends BuiltinJudgeOptions {
  /** One guideline or several; every one must be met for "yes". */
  guidelines: string | readonly string[];
}

/** `guidelines`: does the request/response exchange follow all the given guidelines? Needs inputs and outputs. */
export function guidelines(options: GuidelinesOptions): Scorer {
  const list = guidelineList(options?.guidelines);
  if (list === undefined) throw EvalflowError.invalid('guidelines({ guidelines }) needs a guideline string or a non-empty list of them.');
  return builtinJudge('guidelines', options, async (input, judge, context) => [await askGuidelines(list, input, judge, context)]);
}

/** A string or a non-empty list of non-empty strings, as a list; undefined for anything else. */
export function guidelineList(value: unknown): string[] | undefined {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (list === undefined || list.length === 0 || list.some((g) => typeof g !== 'string' || g.trim() === '')) return undefined;
  return list as string[];
}

export function askGuidelines(list: readonly string[], input: ScorerInput, judge: YesNoJudge, context: ScoreContext | undefined) {
  const rendered = list.map((guideline) => `<guideline>${guideline}</guideline>`).join('\n');
  const exchange = `<request>\n${inputsToText(input.inputs)}\n</request>\n\n<response>\n${outputsToText(input.outputs)}\n</response>`;
  return judge.ask(GUIDELINES_PROMPT, { guidelines: rendered, context: exchange }, context);
}
