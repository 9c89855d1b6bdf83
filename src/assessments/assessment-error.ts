import { EvalflowError } from '../core/errors.js';
import type { AssessmentErrorRecord } from '../store/assessment-entities.js';

export const STACK_TRACE_LIMIT = 10_000;
const TRUNCATION_PREFIX = '[Stack trace is truncated]\n...\n';

/** Why a feedback has no value (mirrors MLflow's `AssessmentError`), e.g. a judge that failed. */
export class AssessmentError {
  readonly errorCode: string;
  readonly errorMessage: string | null;
  readonly stackTrace: string | null;

  constructor(init: { errorCode: string; errorMessage?: string | null; stackTrace?: string | null }) {
    if (init === null || typeof init !== 'object' || typeof init.errorCode !== 'string' || init.errorCode === '') {
      throw EvalflowError.invalid('An AssessmentError needs an errorCode string, e.g. { errorCode: "RATE_LIMITED", errorMessage }.');
    }
    this.errorCode = init.errorCode;
    this.errorMessage = init.errorMessage ?? null;
    this.stackTrace = init.stackTrace === undefined || init.stackTrace === null ? null : truncateStackTrace(init.stackTrace);
  }

  /** The error's class name as the code, its text as the message, and its stack. */
  static fromError(error: unknown): AssessmentError {
    if (error instanceof AssessmentError) return error;
    if (error instanceof Error) {
      return new AssessmentError({ errorCode: error.name || error.constructor.name || 'Error', errorMessage: error.message, stackTrace: error.stack ?? null });
    }
    return new AssessmentError({ errorCode: 'ASSESSMENT_ERROR', errorMessage: String(error) });
  }

  toRecord(): AssessmentErrorRecord {
    return { errorCode: this.errorCode, errorMessage: this.errorMessage, stackTrace: this.stackTrace };
  }

  toJSON(): Record<string, string> {
    return {
      error_code: this.errorCode,
      ...(this.errorMessage !== null && { error_message: this.errorMessage }),
      ...(this.stackTrace !== null && { stack_trace: this.stackTrace }),
    };
  }
}

/** A stack trace over 10,000 characters keeps its tail behind MLflow's truncation prefix, 10,000 characters in all. */
export function truncateStackTrace(stack: string): string {
  if (stack.length <= STACK_TRACE_LIMIT) return stack;
  return TRUNCATION_PREFIX + stack.slice(stack.length - (STACK_TRACE_LIMIT - TRUNCATION_PREFIX.length));
}
