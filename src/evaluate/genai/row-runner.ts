import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { context as otelContext, ROOT_CONTEXT } from '@opentelemetry/api';
import type { LimitFunction } from 'p-limit';
import { AssessmentMetadataKey, type Feedback } from '../../assessments/entities.js';
import type { NewAssessment } from '../../store/assessment-entities.js';
import { TraceMetadataKey } from '../../store/trace-entities.js';
import type { TrackingStore } from '../../store/tracking-store.js';
import { flushTraces, withSpan } from '../../tracing/span-api.js';
import { SpanType } from '../../tracing/span-type.js';
import { tracingContext } from '../../tracing/trace-context.js';
import { Trace } from '../../tracing/trace-entity.js';
import type { ScoreContext, Scorer } from '../../../judges/types.js';
import type { RowModel } from '../predict.js';
import type { AssessmentWriter } from './assessment-writer.js';
import type { GenaiRow } from './data.js';
import { predictFailed, runScorers } from './run-scorers.js';

/** The trace tag that ties a row's trace to its evaluation request. */
export const EVAL_REQUEST_ID_TAG = 'mlflow.eval.requestId';

export interface RowEnvironment {
  model: RowModel | undefined;
  scorers: readonly Scorer[];
  scoreContext: ScoreContext;
  predictLimit: LimitFunction;
  runId: string;
  experimentId: string;
  store: TrackingStore;
  writer: AssessmentWriter;
  /** Called once per kind of problem that would otherwise repeat on every row. */
  warnOnce: (kind: string, message: string) => void;
}

/** What one row produced: its trace, outputs, feedback and expectations. */
export interface RowResult {
  index: number;
  traceId: string | null;
  inputs: unknown;
  outputs: unknown;
  /** Why the model failed on this row; its scorers then give PREDICT_ERROR feedback instead of running. */
  error: string | null;
  state: string | null;
  feedback: Feedback[];
  expectations: Record<string, unknown>;
  /** True when the row's assessments are in the store. */
  logged: boolean;
}

/**
 * One row: the model call (or the given outputs) inside a trace of its own, or a stored trace; every scorer on it;
 * the feedback and new expectations logged on the trace's root span in one transaction.
 */
export async function runRow(row: GenaiRow, env: RowEnvironment): Promise<RowResult> {
  let trace = row.trace;
  let outputs = row.outputs;
  let error: string | null = null;
  if (trace === undefined) {
    const made = await traceRow(row, env);
    outputs = made.outputs;
    error = made.error;
    if (made.traceId !== undefined) {
      await flushTraces();
      const record = await env.store.getTrace(made.traceId);
      if (record) trace = new Trace(record);
      else env.warnOnce('no-trace', 'The traces of evaluated rows are not in the tracking store (tracing.setDestination({ store: false })?): feedback is not logged as assessments.');
    } else {
      env.warnOnce('untraced', 'Tracing is disabled: the rows have no traces and feedback is not logged as assessments. Call tracing.enable().');
    }
  } else if (Object.keys(row.tags).length > 0) {
    try {
      for (const [key, value] of Object.entries(row.tags)) await env.store.setTraceTag(trace.info.traceId, key, value);
    } catch (failure) {
      env.warnOnce('tags', `Could not set the row tags on trace ${trace.info.traceId}: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
  }

  const root = trace?.rootSpan;
  const inputs = row.inputs ?? root?.inputs;
  if (row.trace !== undefined && outputs === undefined) outputs = root?.outputs;
  const stored = trace === undefined ? {} : storedExpectations(trace);
  const expectations = row.expectations ?? (row.trace !== undefined ? stored : undefined);
  // A row whose model call failed has no outputs to judge: each scorer gets an error feedback with the model's error
  // instead of being run (see predictFailed).
  const feedback =
    error !== null
      ? env.scorers.map((scorer) => predictFailed(scorer, error))
      : (
          await runScorers(
            env.scorers,
            {
              ...(inputs !== undefined && { inputs: inputs as Record<string, unknown> }),
              outputs: outputs ?? null,
              ...(expectations !== undefined && { expectations }),
              ...(trace !== undefined && { trace }),
            },
            env.scoreContext,
          )
        ).flat();

  let logged = false;
  if (trace !== undefined) {
    const traceId = trace.info.traceId;
    const spanId = root?.spanId ?? null;
    const metadata = { [AssessmentMetadataKey.SOURCE_RUN_ID]: env.runId };
    const inputsToLog: NewAssessment[] = feedback.map((f) => {
      const record = f.toRecord();
      return {
        traceId,
        spanId: record.spanId ?? spanId,
        name: record.name,
        source: record.source,
        createTimeMs: record.createTimeMs,
        kind: 'feedback',
        value: record.value,
        error: record.error,
        rationale: record.rationale,
        metadata: { ...record.metadata, ...metadata },
      };
    });
    // The row's expectations that the trace does not hold yet, as a person's ground truth.
    for (const [name, value] of Object.entries(row.expectations ?? {})) {
      if (name in stored || value === undefined || value === null) continue;
      inputsToLog.push({
        traceId,
        spanId,
        name,
        source: { sourceType: 'HUMAN', sourceId: currentUser() },
        kind: 'expectation',
        value,
        error: null,
        rationale: null,
        metadata,
      });
    }
    logged = (await env.writer.write(inputsToLog)) !== undefined;
  }
  return {
    index: row.index,
    traceId: trace?.info.traceId ?? null,
    inputs: inputs ?? null,
    outputs: outputs ?? null,
    error,
    state: trace?.info.state ?? null,
    feedback,
    expectations: { ...stored, ...row.expectations },
    logged,
  };
}

/**
 * Runs the model on the row's inputs inside a new trace (nested spans and OpenAI auto-tracing attach to it), or,
 * for a static row, records a `root_span` CHAIN span with the inputs and outputs. The trace is its own (never a
 * child of the caller's), tagged with a fresh eval request id and the row's tags, and linked to the run.
 */
async function traceRow(row: GenaiRow, env: RowEnvironment): Promise<{ traceId: string | undefined; outputs: unknown; error: string | null }> {
  let traceId: string | undefined;
  const model = env.model;
  const scope = {
    experimentId: env.experimentId,
    metadata: { [TraceMetadataKey.SOURCE_RUN]: env.runId },
    tags: { ...row.tags, [EVAL_REQUEST_ID_TAG]: randomUUID() },
  };
  const traced = (): Promise<unknown> =>
    otelContext.with(ROOT_CONTEXT, () =>
      tracingContext(scope, () =>
        withSpan(
          async (span) => {
            traceId = span.traceId === '' ? undefined : span.traceId;
            return model ? await model(row.inputs as Record<string, unknown>) : (row.outputs ?? null);
          },
          { name: model ? model.name || 'predict_fn' : 'root_span', spanType: SpanType.CHAIN, inputs: row.inputs },
        ),
      ),
    );
  if (!model) {
    const outputs = await traced();
    return { traceId, outputs, error: null };
  }
  try {
    const outputs = await env.predictLimit(traced);
    return { traceId, outputs, error: null };
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    return { traceId, outputs: undefined, error: `Failed to invoke the predict_fn with ${safeJson(row.inputs)}: ${message}` };
  }
}

/** The trace's valid expectations by name (the newest of a name wins). */
export function storedExpectations(trace: Trace): Record<string, unknown> {
  const expectations: Record<string, unknown> = {};
  const byTime = [...(trace.info.assessments ?? [])].sort((a, b) => a.createTimeMs - b.createTimeMs);
  for (const assessment of byTime) if (assessment.kind === 'expectation' && assessment.valid) expectations[assessment.name] = assessment.value;
  return expectations;
}

let user: string | undefined;
function currentUser(): string {
  if (user === undefined) {
    try {
      user = userInfo().username || 'unknown';
    } catch {
      user = process.env.USER ?? 'unknown';
    }
  }
  return user;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
