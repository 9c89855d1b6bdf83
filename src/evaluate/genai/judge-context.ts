import { context as otelContext, ROOT_CONTEXT } from '@opentelemetry/api';
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { TraceMetadataKey } from '../../store/trace-entities.js';
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
  /** The run the evaluation logs to: judge traces go to its experiment and are linked to it. */
  runId: string;
  experimentId: string;
  onCall: (event: JudgeCallEvent, counters: JudgeCounters) => void;
}): { context: ScoreContext; counters: JudgeCounters; close: () => void } {
  const limit = pLimit(options.concurrency);
  const counters: JudgeCounters = { calls: 0, cacheHits: 0 };
  const signal = evaluationSignal(options.signal, options.concurrency);
  const run = { runId: options.runId, experimentId: options.experimentId };
  const context: ScoreContext = {
    limit: (call) => limit(call),
    traceCall: (info, call) => traceJudgeCall(info, call, run),
    ...(options.cache && { cache: options.cache }),
    ...(signal && { signal: signal.signal }),
    onJudgeCall: (event) => {
      if (event.cached) counters.cacheHits += 1;
      else counters.calls += 1;
      options.onCall(event, counters);
    },
  };
  return { context, counters, close: () => signal?.close() };
}

/**
 * The signal the scorers get: it follows the caller's, and may carry an abort listener for each judge call in flight
 * (judge-call.ts links every call to it and unlinks it when the call settles), up to the judge limit, without Node's
 * MaxListenersExceededWarning. Only this signal's own listener is on the caller's signal, removed by close().
 */
function evaluationSignal(outer: AbortSignal | undefined, concurrency: number): { signal: AbortSignal; close: () => void } | undefined {
  if (outer === undefined) return undefined;
  const controller = new AbortController();
  // One listener per judge call in flight, and room for a few more of scorers of one's own.
  setMaxListeners(concurrency + 10, controller.signal);
  const forward = (): void => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  return { signal: controller.signal, close: () => outer.removeEventListener('abort', forward) };
}

/**
 * Runs one judge-model call as the root span of a new trace (never nested in the caller's trace), tagged with the
 * scorer's name; its id goes into the feedback's `mlflow.assessment.scorerTraceId`. With a run, the trace goes to the
 * run's experiment with the run as its source (`mlflow.sourceRun`), as the rows' traces do, whether or not the run is
 * active.
 */
export async function traceJudgeCall<T>(
  info: { name: string; model: string; request: unknown },
  call: () => Promise<T>,
  run?: { runId: string; experimentId: string },
): Promise<{ value: T; traceId: string | undefined }> {
  let traceId: string | undefined;
  const scope = {
    tags: { [SOURCE_SCORER_TAG]: info.name },
    ...(run && { experimentId: run.experimentId, metadata: { [TraceMetadataKey.SOURCE_RUN]: run.runId } }),
  };
  const value = await otelContext.with(ROOT_CONTEXT, () =>
    tracingContext(scope, () =>
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
