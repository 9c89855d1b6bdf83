import { AssessmentMetadataKey, Feedback, type FeedbackValue } from '../src/assessments/entities.js';
import type { JudgeCallResult } from './judge-call.js';
import type { JudgeModel } from './model.js';

export interface JudgeFeedbackOptions {
  name: string;
  model: JudgeModel;
  spanId?: string;
  metadata?: Record<string, string>;
}

/** An LLM judge's feedback: the value and rationale of a call that worked, the error of one that did not. */
export function judgeFeedback(
  result: JudgeCallResult<{ value: FeedbackValue; rationale: string }>,
  options: JudgeFeedbackOptions,
): Feedback {
  const metadata = { ...options.metadata, ...(result.traceId !== undefined && { [AssessmentMetadataKey.SCORER_TRACE_ID]: result.traceId }) };
  const common = {
    name: options.name,
    source: { sourceType: 'LLM_JUDGE', sourceId: options.model.uri },
    ...(options.spanId !== undefined && { spanId: options.spanId }),
    metadata,
  };
  return result.ok
    ? new Feedback({ ...common, value: result.value.value, rationale: result.value.rationale })
    : new Feedback({ ...common, error: result.error });
}
