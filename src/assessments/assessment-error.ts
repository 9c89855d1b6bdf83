import { EvalflowError } from '../core/errors.js';
import type { AssessmentErrorRecord } from '../store/assessment-entities.js';

export const STACK_TRACE_LIMIT = 10_000;
export const STACK_TRACE_TRUNCATION_PREFIX = '[Stack trace is truncated]\n...\n';

/** What `AssessmentError.from` accepts: an AssessmentError, an exception, its fields, or a message. */
export type AssessmentErrorInput =
  | AssessmentError
  | Error
  | { errorCode: string; errorMessage?: string | null; stackTrace?: string | null }
  | string;

/** Why a feedback has no value (mirrors MLflow's `AssessmentError`), e.g. a judge that failed. */
export class AssessmentError {
  readonly errorCode: string;
  readonly errorMessage: string | null;
  readonly stackTrace: string | null;

  constructor(init: { errorCode: string; errorMessage?: string | null; stackTrace?: string | null }) {
    if (init === null || typeof init !== 'object' || typeof init.errorCode !== 'string' || init.errorCode === '') {
      throw EvalflowError.invalid('An AssessmentError needs an errorCode string, e.g. { errorCode: "RATE_LIMITED", errorMessage }.');
    }
    for (const field of ['errorMessage', 'stackTrace'] as const) {
      const value = init[field];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        throw EvalflowError.invalid(`The ${field} of an AssessmentError must be a string (got ${typeof value}).`);
      }
    }
    this.errorCode = init.errorCode;
    this.errorMessage = init.errorMessage ?? null;
    this.stackTrace = init.stackTrace === undefined || init.stackTrace === null ? null : truncateStackTrace(init.stackTrace);
  }

  /**
   * From an exception: the error's class name as the code (its `name` when set to something other than "Error"),
   * its message, and its stack. A string becomes `{ errorCode: "ASSESSMENT_ERROR", errorMessage }`.
   */
  static fromError(error: unknown): AssessmentError {
    if (error instanceof AssessmentError) return error;
    if (error instanceof Error) {
      const className = (error.constructor as { name?: unknown } | undefined)?.name;
      const code = error.name && error.name !== 'Error' ? error.name : typeof className === 'string' && className !== '' ? className : 'Error';
      return new AssessmentError({ errorCode: code, errorMessage: error.message, stackTrace: error.stack ?? null });
    }
    return new AssessmentError({ errorCode: 'ASSESSMENT_ERROR', errorMessage: String(error) });
  }

  /** Any accepted error form as an AssessmentError. */
  static from(input: AssessmentErrorInput): AssessmentError {
    if (input instanceof AssessmentError) return input;
    if (input instanceof Error || typeof input === 'string') return AssessmentError.fromError(input);
    return new AssessmentError(input);
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
  return STACK_TRACE_TRUNCATION_PREFIX + stack.slice(stack.length - (STACK_TRACE_LIMIT - STACK_TRACE_TRUNCATION_PREFIX.length));
}
