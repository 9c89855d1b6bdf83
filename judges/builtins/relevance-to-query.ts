import { RELEVANCE_TO_QUERY_PROMPT } from '../prompts/relevance-to-query.js';
import { inputsToText, outputsToText } from '../text.js';
import type { Scorer } from '../types.js';
import { builtinJudge, type BuiltinJudgeOptions } from './common.js';

/** `relevance_to_query`: does the response address the request? Needs inputs and outputs. "yes" / "no". */
export function relevanceToQuery(options: BuiltinJudgeOptions = {}): Scorer {
  return builtinJudge('relevance_to_query', options, async (input, judge, context) => [
    await judge.ask(RELEVANCE_TO_QUERY_PROMPT, { question: inputsToText(input.inputs), answer: outputsToText(input.outputs) }, context),
  ]);
}
