import { AssessmentError } from '../../assessments/assessment-error.js';
import { Feedback } from '../../assessments/entities.js';
import { isEvalflowError } from '../../core/errors.js';
import type { ScoreContext, Scorer, ScorerInput } from '../../../judges/types.js';

export const SCORER_ERROR = 'SCORER_ERROR';
/** The error code of a scorer's feedback on a row whose model call (predict_fn) failed. */
export const PREDICT_ERROR = 'PREDICT_ERROR';

/**
 * Runs every scorer on one row, at once. A scorer that throws (or returns something other than Feedback[]) gives
 * one `SCORER_ERROR` feedback named after it, with the message and stack; the other scorers are unaffected. An
 * aborted evaluation is the only error that propagates.
 */
export async function runScorers(scorers: readonly Scorer[], input: ScorerInput, context: ScoreContext): Promise<Feedback[][]> {
  return Promise.all(scorers.map((scorer) => runScorer(scorer, input, context)));
}

async function runScorer(scorer: Scorer, input: ScorerInput, context: ScoreContext): Promise<Feedback[]> {
  try {
    const result: unknown = await scorer.score(input, context);
    if (!Array.isArray(result) || result.some((item) => !(item instanceof Feedback))) {
      throw new TypeError(`Scorer "${scorer.name}" must resolve to a list of Feedback, got ${describe(result)}.`);
    }
    return (result as Feedback[]).map((feedback) => normalise(feedback, scorer));
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason ?? error;
    return [scorerError(scorer, error)];
  }
}

/** MLflow's SCORER_ERROR feedback: source CODE with the scorer's name, the error's message and stack. */
export function scorerError(scorer: Scorer, error: unknown): Feedback {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? null) : null;
  return new Feedback({
    name: scorer.name,
    source: { sourceType: 'CODE', sourceId: scorer.name },
    error: new AssessmentError({
      errorCode: SCORER_ERROR,
      errorMessage: isEvalflowError(error) || error instanceof Error ? message : String(error),
      stackTrace: stack,
    }),
  });
}

/**
 * The feedback of every scorer on a row whose model call failed: an error naming the failed prediction, never a
 * verdict. Built-in judges would otherwise judge a blank response (and a "safe", "relevant" … verdict would count in
 * the run metrics); code scorers get the same treatment, so that every scorer of a failed row is left out of the
 * aggregates alike and the row's error says why. (MLflow still runs the scorers with outputs None.)
 */
export function predictFailed(scorer: Scorer, message: string): Feedback {
  return new Feedback({
    name: scorer.name,
    source: scorer.kind === 'llm' && scorer.model ? { sourceType: 'LLM_JUDGE', sourceId: scorer.model } : { sourceType: 'CODE', sourceId: scorer.name },
    error: new AssessmentError({ errorCode: PREDICT_ERROR, errorMessage: `Not scored: ${message}` }),
  });
}

/**
 * A feedback still named "feedback" is named after its scorer; one with the default source (CODE / "default") gets
 * the scorer's: LLM_JUDGE with the model URI for a judge, CODE with the scorer's name otherwise.
 */
function normalise(feedback: Feedback, scorer: Scorer): Feedback {
  const rename = feedback.name === 'feedback';
  const defaultSource = feedback.source.sourceType === 'CODE' && feedback.source.sourceId === 'default';
  if (!rename && !defaultSource) return feedback;
  return new Feedback({
    name: rename ? scorer.name : feedback.name,
    source: defaultSource
      ? scorer.kind === 'llm' && scorer.model
        ? { sourceType: 'LLM_JUDGE', sourceId: scorer.model }
        : { sourceType: 'CODE', sourceId: scorer.name }
      : feedback.source,
    value: feedback.value,
    error: feedback.error,
    rationale: feedback.rationale,
    traceId: feedback.traceId,
    spanId: feedback.spanId,
    metadata: feedback.metadata,
    createTimeMs: feedback.createTimeMs,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list with other values than Feedback';
  return typeof value === 'object' ? `an object (${(value as object).constructor?.name ?? 'Object'})` : `a ${typeof value}`;
}
