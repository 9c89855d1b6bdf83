import { EvalflowError } from '../../src/core/errors.js';
import { CORRECTNESS_FACTS_NOTE, CORRECTNESS_PROMPT } from '../prompts/correctness.js';
import { inputsToText, outputsToText } from '../text.js';
import type { Scorer } from '../types.js';
import { bulletList, builtinJudge, type BuiltinJudgeOptions } from './common.js';
import { expectedAnswer } from './expectations.js';

/**
 * `correctness`: does the response hold what is expected? Needs inputs, outputs and exactly one of
 * `expectations.expected_response` or `expectations.expected_facts`. "yes" / "no".
 */
export function correctness(options: BuiltinJudgeOptions = {}): Scorer {
  return builtinJudge('correctness', options, async (input, judge, context) => {
    const expected = expectedAnswer(input.expectations, judge.name);
    if (expected.response !== undefined && expected.facts !== undefined) {
      throw EvalflowError.invalid(`${judge.name}: give expected_response or expected_facts, not both.`);
    }
    const question = inputsToText(input.inputs);
    const claim = expected.facts ? bulletList(expected.facts) : (expected.response as string);
    const document = `Question: ${question}\nAnswer: ${outputsToText(input.outputs)}`;
    const notes = expected.facts ? CORRECTNESS_FACTS_NOTE : '';
    return [await judge.ask(CORRECTNESS_PROMPT, { question, claim, document, facts_note: notes }, context)];
  });
}
