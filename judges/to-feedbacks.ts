import { EvalflowError } from '../src/core/errors.js';
import { Feedback } from '../src/assessments/entities.js';
import { AssessmentError } from '../src/assessments/assessment-error.js';

/** Metadata flag a Feedback may carry to say its name was not chosen by the user (so the scorer's name replaces it). */
export const USER_DEFINED_NAME_FLAG = '_user_defined_assessment_name';
const DEFAULT_FEEDBACK_NAME = 'feedback';

/**
 * A scorer's return value as feedback (spec §4): null/undefined → none; a number, boolean or string → one Feedback
 * named after the scorer with source CODE/<scorer>; a Feedback or a list of them is kept, renamed to the scorer when
 * it has the default name "feedback" (or is flagged as not user-named), with its own source and rationale.
 */
export function toFeedbacks(result: unknown, scorerName: string): Feedback[] {
  if (result === null || result === undefined) return [];
  if (typeof result === 'number' || typeof result === 'boolean' || typeof result === 'string') {
    return [new Feedback({ name: scorerName, value: result, source: { sourceType: 'CODE', sourceId: scorerName } })];
  }
  if (result instanceof Feedback) return [named(result, scorerName)];
  if (Array.isArray(result) && result.every((item) => item instanceof Feedback)) {
    return (result as Feedback[]).map((feedback) => named(feedback, scorerName));
  }
  throw EvalflowError.invalid(
    `${scorerName} must return one of int, float, bool, str, Feedback, or list[Feedback]. Got ${typeName(result)}`,
    { scorer: scorerName },
  );
}

function named(feedback: Feedback, scorerName: string): Feedback {
  if (feedback.name !== DEFAULT_FEEDBACK_NAME && feedback.metadata[USER_DEFINED_NAME_FLAG] !== 'false') return feedback;
  return new Feedback({
    name: scorerName,
    value: feedback.value,
    error: feedback.error,
    rationale: feedback.rationale,
    source: feedback.source,
    traceId: feedback.traceId,
    spanId: feedback.spanId,
    metadata: feedback.metadata,
    createTimeMs: feedback.createTimeMs,
    lastUpdateTimeMs: feedback.lastUpdateTimeMs,
    assessmentId: feedback.assessmentId,
    overrides: feedback.overrides,
    valid: feedback.valid,
  });
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object' && value !== null) {
    const constructorName = (value.constructor as { name?: unknown } | undefined)?.name;
    return typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Object' ? constructorName : 'object';
  }
  return typeof value;
}

/**
 * The feedback for a scorer that threw (spec §3, per row, step 3): no value, source CODE/<scorer>, error SCORER_ERROR
 * with the message and stack. evaluate() records this and runs the other scorers.
 */
export function scorerErrorFeedback(scorerName: string, error: unknown): Feedback {
  const cause = AssessmentError.fromError(error);
  return new Feedback({
    name: scorerName,
    source: { sourceType: 'CODE', sourceId: scorerName },
    error: new AssessmentError({ errorCode: 'SCORER_ERROR', errorMessage: cause.errorMessage ?? String(error), stackTrace: cause.stackTrace }),
  });
}
