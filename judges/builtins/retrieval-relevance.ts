import { AssessmentError } from '../../src/assessments/assessment-error.js';
import { Feedback } from '../../src/assessments/entities.js';
import { JudgeErrorCode } from '../errors.js';
import { RETRIEVAL_RELEVANCE_PROMPT } from '../prompts/retrieval-relevance.js';
import { inputsToText } from '../text.js';
import type { Scorer } from '../types.js';
import { builtinJudge, type BuiltinJudgeOptions, type YesNoJudge } from './common.js';
import { requireRetrieval } from './retrieval.js';

/**
 * `retrieval_relevance`: is each retrieved document relevant to the request? For each top-level RETRIEVER span,
 * first a `<name>/precision` feedback (the share of "yes" among the judged documents), then one yes/no feedback per
 * document (metadata `chunk_index`); N spans of M documents give N×(M+1) feedbacks.
 */
export function retrievalRelevance(options: BuiltinJudgeOptions = {}): Scorer {
  return builtinJudge('retrieval_relevance', options, async (input, judge, context) => {
    const question = inputsToText(input.inputs);
    const perSpan = await Promise.all(
      requireRetrieval(input, judge.name).map(async (retrieval) => {
        const chunkFeedback = await Promise.all(
          retrieval.chunks.map((chunk, index) =>
            judge.ask(RETRIEVAL_RELEVANCE_PROMPT, { question, chunk: chunk.content }, context, {
              spanId: retrieval.spanId,
              metadata: { chunk_index: String(index), ...(chunk.doc_uri !== undefined && { doc_uri: chunk.doc_uri }) },
            }),
          ),
        );
        return [precisionFeedback(judge, retrieval.spanId, chunkFeedback), ...chunkFeedback];
      }),
    );
    return perSpan.flat();
  });
}

/** Errors and "unknown" verdicts are left out of the share: a document the judge could not rate is no verdict. */
function precisionFeedback(judge: YesNoJudge, spanId: string, chunks: readonly Feedback[]): Feedback {
  const verdicts = chunks.filter((f) => f.value === 'yes' || f.value === 'no');
  const common = { name: `${judge.name}/precision`, spanId, source: { sourceType: 'LLM_JUDGE', sourceId: judge.model.uri } };
  if (verdicts.length > 0) return new Feedback({ ...common, value: verdicts.filter((f) => f.value === 'yes').length / verdicts.length });
  const error =
    chunks.length === 0
      ? new AssessmentError({ errorCode: JudgeErrorCode.NO_DOCUMENTS, errorMessage: `The retriever span ${spanId} returned no documents.` })
      : new AssessmentError({
          errorCode: chunks.find((f) => f.error)?.errorCode ?? JudgeErrorCode.PARSE_ERROR,
          errorMessage: `No document of the retriever span ${spanId} could be judged.`,
        });
  return new Feedback({ ...common, error });
}
