import { context as otelContext, ROOT_CONTEXT } from '@opentelemetry/api';
import pLimit from 'p-limit';
import { withSpan } from '../../tracing/span-api.js';
import { SpanType } from '../../tracing/span-type.js';
import { tracingContext } from '../../tracing/trace-context.js';
import type { JudgeCache, JudgeCallEvent, ScoreContext } from '../../../judges/types.js';

/** Tag on the trace of a judge call: the scorer that made it. */
export const SOURCE_SCORER_TAG = 'mlflow.trace.sourceScorer';

export interface JudgeCounters {
  calls: number;
  cacheHits: number;
}

/**
 * The context every scorer of the evaluation gets: one limit on judge-model calls across all rows and scorers, a
 * trace of its own for each judge call, the store-backed cache, and counters of calls and cache hits.
 */
export function judgeContext(options: {
  concurrency: number;
  cache: JudgeCache | undefined;
  signal: AbortSignal | undefined;
  onCall: (event: JudgeCallEvent, counters: JudgeCounters) => void;
}): { context: ScoreContext; counters: JudgeCounters } {
  const limit = pLimit(options.concurrency);
  const counters: JudgeCounters = { calls: 0, cacheHits: 0 };
  const context: ScoreContext = {
    limit: (call) => limit(call),
    traceCall: traceJudgeCall,
    ...(options.cache && { cache: options.cache }),
    ...(options.signal && { signal: options.signal }),
    onJudgeCall: (event) => {
      if (event.cached) counters.cacheHits += 1;
      else counters.calls += 1;
      options.onCall(event, counters);
    },
  };
  return { context, counters };
}

/**
 * Runs one judge-model call as the root span of a new trace (never nested in the caller's trace), tagged with the
 * scorer's name; its id goes into the feedback's `mlflow.assessment.scorerTraceId`.
 */
export async function traceJudgeCall<T>(
  info: { name: string; model: string; request: unknown },
  call: () => Promise<T>,
): Promise<{ value: T; traceId: string | undefined }> {
  let traceId: string | undefined;
  const value = await otelContext.with(ROOT_CONTEXT, () =>
    tracingContext({ tags: { [SOURCE_SCORER_TAG]: info.name } }, () =>
      withSpan(
        (span) => {
          traceId = span.traceId === '' ? undefined : span.traceId;
          return call();
        },
        { name: info.name, spanType: SpanType.EVALUATOR, inputs: info.request, attributes: { 'mlflow.llm.model': info.model } },
      ),
    ),
  );
  return { value, traceId };
}
