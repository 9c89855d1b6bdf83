import { CONTEXT_SUFFICIENCY_PROMPT } from '../prompts/context-sufficiency.js';
import { inputsToText } from '../text.js';
import type { Scorer } from '../types.js';
import { builtinJudge, type BuiltinJudgeOptions } from './common.js';
import { expectedAnswer, expectedText } from './expectations.js';
import { chunksText, requireRetrieval } from './retrieval.js';

/**
 * `retrieval_sufficiency`: do the retrieved documents hold everything the expected answer needs? One feedback per
 * top-level RETRIEVER span. Needs the trace and expected_response or expected_facts (from the row or the trace).
 */
export function retrievalSufficiency(options: BuiltinJudgeOptions = {}): Scorer {
  return builtinJudge('retrieval_sufficiency', options, async (input, judge, context) => {
    const retrievals = requireRetrieval(input, judge.name);
    const expected = expectedText(expectedAnswer(input.expectations, judge.name));
    const question = inputsToText(input.inputs);
    return Promise.all(
      retrievals.map((retrieval) =>
        judge.ask(CONTEXT_SUFFICIENCY_PROMPT, { question, expected, context: chunksText(retrieval.chunks) }, context, { spanId: retrieval.spanId }),
      ),
    );
  });
}
