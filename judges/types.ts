import type { Feedback } from '../src/assessments/index.js';
import type { Trace } from '../src/tracing/index.js';

/** What a scorer is given for one row. A scorer reads only the fields it needs. */
export interface ScorerInput {
  inputs?: Record<string, unknown>;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  /** The row's trace (the model call, or a stored trace being re-scored). */
  trace?: Trace;
}

/** What a scorer function may return; `toFeedbacks` turns it into Feedback (§4 of the judges spec). */
export type ScorerReturn = number | boolean | string | Feedback | readonly Feedback[] | null | undefined;

/** Built-in aggregation names; a function aggregates under its own name. */
export type AggregationName = 'min' | 'max' | 'mean' | 'median' | 'variance' | 'p90';
export type Aggregation = AggregationName | ((values: readonly number[]) => number);

/** A judge-model reply remembered by (model, prompt, parameters). The evaluation backs it with the store. */
export interface JudgeCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** One judge model call, as a scorer reports it to the evaluation (progress, cache-hit counts). */
export interface JudgeCallEvent {
  scorer: string;
  model: string;
  cached: boolean;
}

/**
 * How the evaluation runs a scorer: every field is optional, so a scorer called directly (`await s.score({...})`)
 * works without an evaluation around it.
 */
export interface ScoreContext {
  /** Runs one judge-model call under the evaluation's judge concurrency limit. */
  limit?: <T>(call: () => Promise<T>) => Promise<T>;
  /**
   * Runs one judge-model call inside a trace of its own; the trace id goes into the feedback's metadata as
   * `mlflow.assessment.scorerTraceId`.
   */
  traceCall?: <T>(info: { name: string; model: string; request: unknown }, call: () => Promise<T>) => Promise<{ value: T; traceId: string | undefined }>;
  cache?: JudgeCache;
  onJudgeCall?: (event: JudgeCallEvent) => void;
  signal?: AbortSignal;
}

/** A scorer: code (`scorer(fn)`) or an LLM judge (`makeJudge`, the built-ins). */
export interface Scorer {
  readonly name: string;
  /** Run-metric aggregations of this scorer's feedback values; null means ["mean"], [] means none. */
  readonly aggregations: readonly Aggregation[] | null;
  readonly kind: 'code' | 'llm';
  /** The judge model URI (`openai:/gpt-4.1-mini`) of an LLM scorer. */
  readonly model?: string;
  /** Scores one row. Feedback with an error (never a thrown error) for a judge that failed after its retries. */
  score(input: ScorerInput, context?: ScoreContext): Promise<Feedback[]>;
}
