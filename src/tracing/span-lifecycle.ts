import type { Span as OtelSpan } from '@opentelemetry/api';
import { SpanAttributeKey, TraceMetadataKey, type SpanRecord } from '../store/trace-entities.js';
import { activeExperimentIdInCode } from '../tracking/experiments.js';
import { activeRun } from '../tracking/runs.js';
import { mlflowTraceId, nanosToMillis } from './ids.js';
import { LiveSpan } from './live-span.js';
import { pipeline } from './pipeline.js';
import { SpanType } from './span-type.js';
import { currentTraceScope, destinationExperiment } from './trace-context.js';
import type { PendingTrace } from './trace-buffer.js';

/** A span that has just started, as the buffer needs it (OTel's hex ids). */
export interface SpanStart {
  otelTraceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startTimeNs: bigint;
  attributes: Record<string, unknown>;
  links: SpanRecord['links'];
  /** The OTel span behind it: the SDK's, or the context handle of a span evalflow records itself. */
  otelSpan: OtelSpan;
  /** For a span evalflow records itself: ends it (see LiveSpan). */
  ownEnd?: (span: LiveSpan) => void;
}

/**
 * Adds a started span to its trace in the buffer (a new trace when none is open for its OTel trace id: a new root,
 * or the part of a distributed trace that runs in this process) and returns its LiveSpan.
 */
export function beginSpan(start: SpanStart): LiveSpan {
  let pending = pipeline.buffer.get(start.otelTraceId);
  if (!pending) {
    const scope = currentTraceScope();
    const run = activeRun();
    // With none of these, MLFLOW_EXPERIMENT_ID or the default experiment is filled in when the trace is exported.
    pending = {
      rootSpanId: start.spanId,
      spans: new Map(),
      info: {
        traceId: mlflowTraceId(start.otelTraceId),
        clientRequestId: null,
        experimentId: scope?.experimentId ?? destinationExperiment() ?? run?.info.experimentId ?? activeExperimentIdInCode() ?? '',
        requestTime: nanosToMillis(start.startTimeNs),
        executionDuration: null,
        state: 'IN_PROGRESS',
        requestPreview: null,
        responsePreview: null,
        traceMetadata: { ...scope?.metadata, ...(run && { [TraceMetadataKey.SOURCE_RUN]: run.info.runId }) },
        tags: { ...scope?.tags },
      },
    };
    pipeline.buffer.start(start.otelTraceId, pending);
  }
  const record: SpanRecord = {
    traceId: pending.info.traceId,
    spanId: start.spanId,
    parentSpanId: start.parentSpanId,
    name: start.name,
    startTimeUnixNano: start.startTimeNs,
    endTimeUnixNano: null,
    status: { code: 'STATUS_CODE_UNSET', message: '' },
    attributes: start.attributes,
    events: [],
    links: start.links,
  };
  const live = new LiveSpan(record, start.otelSpan, start.ownEnd);
  // "tr-" and hex digits: its JSON text is the id between quotes.
  live.setJsonAttribute(SpanAttributeKey.TRACE_ID, `"${pending.info.traceId}"`);
  if (record.attributes[SpanAttributeKey.SPAN_TYPE] === undefined) live.setSpanType(SpanType.UNKNOWN);
  pipeline.buffer.addSpan(pending, live);
  return live;
}

/**
 * Called once a span's record is final: when it is its trace's root, closes what the trace left open (streams
 * nobody finished reading) and hands the trace to the exporters.
 */
export function spanEnded(otelTraceId: string, live: LiveSpan): void {
  const pending: PendingTrace | undefined = pipeline.buffer.get(otelTraceId);
  if (!pending || live.spanId !== pending.rootSpanId) return;
  for (const open of pending.spans.values()) {
    if (open.isOpen && open.closeWithTrace) {
      try {
        open.closeWithTrace();
      } catch (error) {
        pipeline.warnOnce('closeWithTrace', 'A span could not be closed with its trace', error);
      }
    }
  }
  pipeline.buffer.pop(otelTraceId);
  pipeline.complete(pending);
}
