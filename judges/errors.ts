import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  RateLimitError,
} from 'openai';
import { AssessmentError } from '../src/assessments/assessment-error.js';

/**
 * The error codes of a judge's error feedback. None of them is a verdict: evaluate() drops error feedback from the
 * aggregates, so a judge that failed never counts as a pass or a fail.
 */
export const JudgeErrorCode = {
  /** The reply was not the JSON (or the two lines) asked for, even when asked a second time. */
  PARSE_ERROR: 'JUDGE_PARSE_ERROR',
  /** The server answered with an error (5xx after the client's retries, 4xx) or could not be reached. */
  MODEL_ERROR: 'JUDGE_MODEL_ERROR',
  /** Still rate-limited (429) after the client's retries. */
  RATE_LIMITED: 'JUDGE_RATE_LIMITED',
  /** No reply within the timeout, after the client's retries. */
  TIMEOUT: 'JUDGE_TIMEOUT',
  /** The model declined to judge (a refusal or a content filter). */
  REFUSAL: 'JUDGE_REFUSAL',
  /** A retrieval judge found a retriever span without documents. */
  NO_DOCUMENTS: 'JUDGE_NO_DOCUMENTS',
} as const;
export type JudgeErrorCode = (typeof JudgeErrorCode)[keyof typeof JudgeErrorCode];

/** Why a reply could not be used; `reask` says whether asking the model once more may help. */
export class JudgeReplyError extends Error {
  constructor(
    readonly code: JudgeErrorCode,
    message: string,
    readonly reask: boolean,
  ) {
    super(message);
    this.name = 'JudgeReplyError';
  }
}

/** True for a cancelled evaluation: that is thrown on, not turned into feedback. */
export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof APIUserAbortError || (signal?.aborted === true && error instanceof Error && error.name === 'AbortError');
}

/** A failed model call (after the openai client's own retries) as the error of a feedback. */
export function modelCallError(error: unknown, model: string): AssessmentError {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof APIConnectionTimeoutError) {
    return new AssessmentError({ errorCode: JudgeErrorCode.TIMEOUT, errorMessage: `The judge model ${model} did not answer in time: ${detail}` });
  }
  if (error instanceof RateLimitError) {
    return new AssessmentError({ errorCode: JudgeErrorCode.RATE_LIMITED, errorMessage: `The judge model ${model} is still rate-limited after retries: ${detail}` });
  }
  if (error instanceof APIConnectionError) {
    return new AssessmentError({ errorCode: JudgeErrorCode.MODEL_ERROR, errorMessage: `Could not reach the judge model ${model}: ${detail}` });
  }
  if (error instanceof APIError) {
    return new AssessmentError({
      errorCode: JudgeErrorCode.MODEL_ERROR,
      errorMessage: `The judge model ${model} failed with HTTP ${String(error.status)}: ${detail}`,
    });
  }
  return new AssessmentError({
    errorCode: JudgeErrorCode.MODEL_ERROR,
    errorMessage: `The judge model ${model} failed: ${detail}`,
    stackTrace: error instanceof Error ? (error.stack ?? null) : null,
  });
}
