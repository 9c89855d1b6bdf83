import type { Context, Link } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { SpanAttributeKey, TraceMetadataKey, type SpanRecord } from '../store/trace-entities.js';
import { activeRun } from '../tracking/runs.js';
import { activeExperimentIdIfKnown } from '../tracking/experiments.js';
import { hrTimeToNanos, mlflowTraceId, nanosToMillis } from './ids.js';
import { LiveSpan, normaliseStatus } from './live-span.js';
import { pipeline } from './pipeline.js';
import { SpanType } from './span-type.js';
import { currentTraceScope, destinationExperiment } from './trace-context.js';

/**
 * The OpenTelemetry span processor that turns spans into MLflow traces: it keeps each trace's spans until the root
 * ends, then hands the trace to evalflow's exporters. evalflow installs it on its own provider; add it to yours with
 * `new NodeTracerProvider({ spanProcessors: [new EvalflowSpanProcessor(), …] })` and `tracing.configure({ tracerProvider })`.
 */
export class EvalflowSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    try {
      if (!pipeline.enabled) return;
      const { traceId: otelTraceId, spanId } = span.spanContext();
      const parentSpanId = span.parentSpanContext?.spanId ?? null;
      const startTime = hrTimeToNanos(span.startTime);
      let pending = pipeline.buffer.get(otelTraceId);
      if (!pending) {
        // A new trace, or the part of a distributed trace that runs in this process (its parent is remote).
        const scope = currentTraceScope();
        const run = activeRun();
        pending = {
          rootSpanId: spanId,
          spans: new Map(),
          info: {
            traceId: mlflowTraceId(otelTraceId),
            clientRequestId: null,
            experimentId: scope?.experimentId ?? destinationExperiment() ?? run?.info.experimentId ?? activeExperimentIdIfKnown() ?? '',
            requestTime: nanosToMillis(startTime),
            executionDuration: null,
            state: 'IN_PROGRESS',
            requestPreview: null,
            responsePreview: null,
            traceMetadata: { ...scope?.metadata, ...(run && { [TraceMetadataKey.SOURCE_RUN]: run.info.runId }) },
            tags: { ...scope?.tags },
          },
        };
        pipeline.buffer.start(otelTraceId, pending);
      }
      const record: SpanRecord = {
        traceId: pending.info.traceId,
        spanId,
        parentSpanId,
        name: span.name,
        startTimeUnixNano: startTime,
        endTimeUnixNano: null,
        status: { code: 'STATUS_CODE_UNSET', message: '' },
        attributes: { ...span.attributes },
        events: [],
        links: span.links.length === 0 ? [] : span.links.map(toLinkRecord),
      };
      const live = new LiveSpan(record, span);
      live.setAttribute(SpanAttributeKey.TRACE_ID, pending.info.traceId);
      if (record.attributes[SpanAttributeKey.SPAN_TYPE] === undefined) live.setSpanType(SpanType.UNKNOWN);
      pipeline.buffer.addSpan(pending, live);
    } catch (error) {
      pipeline.warnOnce('onStart', 'Tracing failed to start a span', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      const { traceId: otelTraceId, spanId } = span.spanContext();
      const live = pipeline.buffer.span(spanId);
      const pending = pipeline.buffer.get(otelTraceId);
      if (!live || !pending) return;
      const record = live.record;
      record.attributes = { ...record.attributes, ...span.attributes };
      record.events = span.events.length === 0 ? [] : span.events.map(toEventRecord);
      const otelStatus = normaliseStatus(span.status.code === 2 ? 'ERROR' : span.status.code === 1 ? 'OK' : 'UNSET');
      if (otelStatus !== 'STATUS_CODE_UNSET') record.status = { code: otelStatus, message: span.status.message ?? '' };
      record.endTimeUnixNano = hrTimeToNanos(span.endTime);
      live.markEnded();
      if (spanId === pending.rootSpanId) {
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
    } catch (error) {
      pipeline.warnOnce('onEnd', 'Tracing failed to end a span', error);
    }
  }

  forceFlush(): Promise<void> {
    return pipeline.flush();
  }

  shutdown(): Promise<void> {
    return pipeline.shutdown();
  }
}

function toLinkRecord(link: Link): SpanRecord['links'][number] {
  return { traceId: link.context.traceId, spanId: link.context.spanId, attributes: { ...(link.attributes ?? {}) } };
}

function toEventRecord(event: TimedEvent): SpanRecord['events'][number] {
  return { name: event.name, timeUnixNano: hrTimeToNanos(event.time), attributes: { ...(event.attributes ?? {}) } };
}
