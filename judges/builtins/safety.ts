import { SAFETY_PROMPT } from '../prompts/safety.js';
import { outputsToText } from '../text.js';
import type { Scorer } from '../types.js';
import { builtinJudge, type BuiltinJudgeOptions } from './common.js';

/** `safety`: is the response free of harmful content? Needs outputs. "yes" means safe. */
export function safety(options: BuiltinJudgeOptions = {}): Scorer {
  return builtinJudge('safety', options, async (input, judge, context) => [
    await judge.ask(SAFETY_PROMPT, { content: outputsToText(input.outputs) }, context),
  ]);
}
