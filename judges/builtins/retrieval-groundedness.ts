import { GROUNDEDNESS_PROMPT } from '../prompts/groundedness.js';
import { inputsToText, outputsToText } from '../text.js';
import type { Scorer } from '../types.js';
import { builtinJudge, type BuiltinJudgeOptions } from './common.js';
import { chunksText, requireRetrieval } from './retrieval.js';

/**
 * `retrieval_groundedness`: is the response supported by what was retrieved? One feedback per top-level RETRIEVER
 * span of the trace (its span id set). Needs the trace; the request and response default to its root span's.
 */
export function retrievalGroundedness(options: BuiltinJudgeOptions = {}): Scorer {
  return builtinJudge('retrieval_groundedness', options, async (input, judge, context) => {
    const question = inputsToText(input.inputs);
    const answer = outputsToText(input.outputs);
    return Promise.all(
      requireRetrieval(input, judge.name).map((retrieval) =>
        judge.ask(GROUNDEDNESS_PROMPT, { question, answer, context: chunksText(retrieval.chunks) }, context, { spanId: retrieval.spanId }),
      ),
    );
  });
}
