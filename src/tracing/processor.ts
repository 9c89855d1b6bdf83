import type { Context, Link } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { SpanRecord } from '../store/trace-entities.js';
import { hrTimeToNanos } from './ids.js';
import { normaliseStatus } from './live-span.js';
import { pipeline } from './pipeline.js';
import { beginSpan, spanEnded } from './span-lifecycle.js';

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
      beginSpan({
        otelTraceId,
        spanId,
        parentSpanId: span.parentSpanContext?.spanId ?? null,
        name: span.name,
        startTimeNs: hrTimeToNanos(span.startTime),
        attributes: { ...span.attributes },
        links: span.links.length === 0 ? [] : span.links.map(toLinkRecord),
        otelSpan: span,
      });
    } catch (error) {
      pipeline.warnOnce('onStart', 'Tracing failed to start a span', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      const { traceId: otelTraceId, spanId } = span.spanContext();
      const live = pipeline.buffer.span(otelTraceId, spanId);
      if (!live) return;
      const record = live.record;
      record.attributes = { ...record.attributes, ...span.attributes };
      record.events = span.events.length === 0 ? [] : span.events.map(toEventRecord);
      const otelStatus = normaliseStatus(span.status.code === 2 ? 'ERROR' : span.status.code === 1 ? 'OK' : 'UNSET');
      if (otelStatus !== 'STATUS_CODE_UNSET') record.status = { code: otelStatus, message: span.status.message ?? '' };
      record.endTimeUnixNano = hrTimeToNanos(span.endTime);
      live.markEnded();
      spanEnded(otelTraceId, live);
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
