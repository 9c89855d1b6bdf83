import { context, trace as otelTrace, type Context } from '@opentelemetry/api';
import { EvalflowError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { SpanAttributeKey, type SpanRecord } from '../store/trace-entities.js';
import { nanosToHrTime } from './ids.js';
import { hrNow, LiveSpan, nowNanos } from './live-span.js';
import { pipeline } from './pipeline.js';
import { startOwnSpan } from './own-span.js';
import { getTracer, recordsOwnSpans } from './provider.js';
import { SpanType, type SpanTypeName } from './span-type.js';

export interface SpanOptions {
  name: string;
  spanType?: SpanTypeName;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
  /** Nanoseconds since the epoch; now by default. */
  startTimeNs?: bigint;
}

export interface StartSpanOptions extends SpanOptions {
  /** The parent; by default the active span, if any. */
  parent?: LiveSpan;
}

/**
 * Runs `fn` inside a new active span: spans started inside nest under it, across `await`. The return value (awaited
 * when it is a promise) becomes the outputs unless `fn` set them; an exception sets status ERROR, is recorded as an
 * `exception` event and is rethrown unchanged.
 */
export function withSpan<T>(fn: (span: LiveSpan) => T, options: SpanOptions): T {
  const started = startRecordedSpan(options, context.active());
  if (!started) return fn(unrecordedSpan(options));
  const { live, ctx } = started;
  let result: T;
  try {
    result = context.with(ctx, () => fn(live));
  } catch (error) {
    failSpan(live, error);
    throw error;
  }
  if (isPromiseLike(result)) {
    return (result as PromiseLike<unknown>).then(
      (value) => {
        succeedSpan(live, value);
        return value;
      },
      (error: unknown) => {
        failSpan(live, error);
        throw error;
      },
    ) as T;
  }
  succeedSpan(live, result);
  return result;
}

/** Starts a span that is not made active: nest under it with `parent`, and end it yourself with `span.end()`. */
export function startSpan(options: StartSpanOptions): LiveSpan {
  const parentContext = options.parent?.otelSpan_ ? otelTrace.setSpan(context.active(), options.parent.otelSpan_) : context.active();
  return startRecordedSpan(options, parentContext)?.live ?? unrecordedSpan(options);
}

/** The active span started by evalflow (`trace`, `withSpan`), or null. */
export function getCurrentActiveSpan(): LiveSpan | null {
  const span = otelTrace.getActiveSpan();
  if (!span) return null;
  const { traceId, spanId } = span.spanContext();
  return pipeline.buffer.span(traceId, spanId) ?? null;
}

/** The id of the trace most recently finished in this process. */
export function getLastActiveTraceId(): string | undefined {
  // A trace whose root is a stream read to its end a moment ago finishes here, not a turn later.
  pipeline.runDeferred();
  return pipeline.lastTraceId;
}

/** Waits until every finished trace has been exported (call before a short-lived process exits). */
export async function flushTraces(): Promise<void> {
  await pipeline.flush();
}

export interface UpdateTraceOptions {
  /** Merged into the trace's tags (existing keys are overwritten). */
  tags?: Record<string, string>;
  /** Merged into the metadata; keys already set are kept (metadata is write-once). */
  metadata?: Record<string, string>;
  clientRequestId?: string;
  requestPreview?: string;
  responsePreview?: string;
}

/** Changes the trace of the active span before it is exported. */
export function updateCurrentTrace(options: UpdateTraceOptions): void {
  for (const key of ['requestPreview', 'responsePreview', 'clientRequestId'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') {
      throw EvalflowError.invalid(`updateCurrentTrace: ${key} must be a string.`);
    }
  }
  const active = otelTrace.getActiveSpan();
  const pending = active ? pipeline.buffer.get(active.spanContext().traceId) : undefined;
  if (!pending) {
    logger.warn('updateCurrentTrace was called with no active trace; call it inside trace() or withSpan().');
    return;
  }
  const { info } = pending;
  for (const [key, value] of Object.entries(options.tags ?? {})) info.tags[key] = String(value);
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    if (!(key in info.traceMetadata)) info.traceMetadata[key] = String(value);
  }
  if (options.clientRequestId !== undefined) info.clientRequestId = options.clientRequestId;
  if (options.requestPreview !== undefined) info.requestPreview = options.requestPreview;
  if (options.responsePreview !== undefined) info.responsePreview = options.responsePreview;
}

/** Starts an OTel span through evalflow's tracer and returns its LiveSpan, or undefined when tracing is off or failing. */
export function startRecordedSpan(options: SpanOptions, parentContext: Context): { live: LiveSpan; ctx: Context } | undefined {
  if (!pipeline.enabled) return undefined;
  try {
    const started = recordsOwnSpans() ? startOwnSpan(options.name, options.startTimeNs, parentContext) : startSdkSpan(options, parentContext);
    if (!started) return undefined;
    const { live } = started;
    // beginSpan has set UNKNOWN already.
    if (options.spanType !== undefined) live.setSpanType(options.spanType);
    if (options.inputs !== undefined) live.setInputs(options.inputs);
    if (options.attributes) live.setAttributes(options.attributes);
    return started;
  } catch (error) {
    pipeline.warnOnce('start', 'Tracing failed to start a span; the function runs untraced', error);
    return undefined;
  }
}

/** A span through the OpenTelemetry SDK (a user's provider, or a sampler other than the default). */
function startSdkSpan(options: SpanOptions, parentContext: Context): { live: LiveSpan; ctx: Context } | undefined {
  const otelSpan = getTracer().startSpan(
    options.name,
    // Always an explicit start: OpenTelemetry's own is Date.now(), whole milliseconds, while its end times are
    // sub-millisecond, so a child could seem to end after its parent.
    { startTime: options.startTimeNs === undefined ? hrNow() : nanosToHrTime(options.startTimeNs) },
    parentContext,
  );
  if (!otelSpan.isRecording()) {
    // Not sampled (a caller's traceparent with flags 00): run untraced, as OpenTelemetry does.
    otelSpan.end();
    return undefined;
  }
  const { traceId: otelTraceId, spanId } = otelSpan.spanContext();
  const live = pipeline.buffer.span(otelTraceId, spanId);
  if (!live) {
    // The provider does not run evalflow's processor (a user's provider without it): nothing would be exported.
    otelSpan.end();
    pipeline.warnOnce('no-processor', 'The tracer provider has no EvalflowSpanProcessor; evalflow spans are not recorded');
    return undefined;
  }
  return { live, ctx: otelTrace.setSpan(parentContext, otelSpan) };
}

export function succeedSpan(live: LiveSpan, outputs: unknown): void {
  try {
    if (live.record.attributes[SpanAttributeKey.OUTPUTS] === undefined && outputs !== undefined) live.setOutputs(outputs);
    live.end();
  } catch (error) {
    pipeline.warnOnce('end', 'Tracing failed to end a span', error);
  }
}

export function failSpan(live: LiveSpan, error: unknown): void {
  try {
    live.recordException(error);
    live.end();
  } catch (failure) {
    pipeline.warnOnce('end', 'Tracing failed to end a span', failure);
  }
}

/** A span that records nothing (tracing disabled, or failing): every method works and goes nowhere. */
export function unrecordedSpan(options: SpanOptions): LiveSpan {
  const record: SpanRecord = {
    traceId: '',
    spanId: '',
    parentSpanId: null,
    name: options.name,
    startTimeUnixNano: options.startTimeNs ?? nowNanos(),
    endTimeUnixNano: null,
    status: { code: 'STATUS_CODE_UNSET', message: '' },
    attributes: {},
    events: [],
    links: [],
  };
  return new LiveSpan(record);
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
