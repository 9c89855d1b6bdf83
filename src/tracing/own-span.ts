import {
  isSpanContextValid,
  SpanStatusCode as OtelStatusCode,
  trace as otelTrace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type Link,
  type Span as OtelSpan,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { isAttributeValue, isTimeInput, isTracingSuppressed, timeInputToHrTime } from '@opentelemetry/core';
import { logger } from '../core/logger.js';
import { hrTimeToNanos, newTraceId, randomSpanId } from './ids.js';
import { nowNanos, type LiveSpan } from './live-span.js';
import { pipeline } from './pipeline.js';
import { beginSpan, spanEnded } from './span-lifecycle.js';

/**
 * Spans evalflow records itself, without an OpenTelemetry SDK span behind them: when evalflow's own provider is in use
 * (nothing but evalflow's processor would see the SDK span), the SDK's span object, sampler call, attribute copies and
 * processor dispatch are pure cost on every traced call. The span still lives in the OpenTelemetry context, through
 * the handle below, so spans started with any OTel tracer nest under it and `traceparent` propagation sees it.
 *
 * The sampling is the SDK default's (parent-based, always on): a parent that is not sampled leaves the call untraced;
 * provider.ts uses the SDK whenever OTEL_TRACES_SAMPLER asks for anything else.
 */
export function startOwnSpan(name: string, startTimeNs: bigint | undefined, parentContext: Context): { live: LiveSpan; ctx: Context } | undefined {
  if (isTracingSuppressed(parentContext)) return undefined;
  const parent = otelTrace.getSpanContext(parentContext);
  let otelTraceId: string;
  let parentSpanId: string | null = null;
  let spanContext: SpanContext;
  const spanId = randomSpanId();
  if (parent !== undefined && isSpanContextValid(parent)) {
    if ((parent.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
    otelTraceId = parent.traceId;
    parentSpanId = parent.spanId;
    spanContext = { traceId: otelTraceId, spanId, traceFlags: TraceFlags.SAMPLED, ...(parent.traceState && { traceState: parent.traceState }) };
  } else {
    otelTraceId = newTraceId();
    spanContext = { traceId: otelTraceId, spanId, traceFlags: TraceFlags.SAMPLED };
  }
  const handle = new OwnSpanHandle(spanContext);
  const live = beginSpan({
    otelTraceId,
    spanId,
    parentSpanId,
    name,
    startTimeNs: startTimeNs ?? nowNanos(),
    attributes: {},
    links: [],
    otelSpan: handle,
    ownEnd: endOwnSpan,
  });
  handle.live = live;
  return { live, ctx: otelTrace.setSpan(parentContext, handle) };
}

function endOwnSpan(live: LiveSpan): void {
  try {
    const handle = live.otelSpan_;
    if (handle) spanEnded(handle.spanContext().traceId, live);
  } catch (error) {
    pipeline.warnOnce('onEnd', 'Tracing failed to end a span', error);
  }
}

const nanosOf = (time: TimeInput): bigint => hrTimeToNanos(timeInputToHrTime(time));

/**
 * The OpenTelemetry face of a span evalflow records itself: what code using the OTel API (`trace.getActiveSpan()`,
 * instrumentations) does to it lands in the span's record, with the SDK's rules (invalid attribute values dropped,
 * status OK final, `end()` leaves the status as it is).
 */
class OwnSpanHandle implements OtelSpan {
  live: LiveSpan | undefined;

  constructor(private readonly context: SpanContext) {}

  spanContext(): SpanContext {
    return this.context;
  }

  private get openRecord(): LiveSpan['record'] | undefined {
    return this.live?.isOpen ? this.live.record : undefined;
  }

  setAttribute(key: string, value: AttributeValue): this {
    const record = this.openRecord;
    if (record && key.length > 0 && isAttributeValue(value)) record.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const [key, value] of Object.entries(attributes)) if (value !== undefined) this.setAttribute(key, value);
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    const record = this.openRecord;
    if (!record) return this;
    let attributes: Attributes = {};
    let time = startTime;
    if (isTimeInput(attributesOrStartTime)) time = attributesOrStartTime;
    else if (attributesOrStartTime) attributes = attributesOrStartTime;
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(attributes)) if (isAttributeValue(value)) kept[key] = value;
    record.events.push({ name, timeUnixNano: time === undefined ? nowNanos() : nanosOf(time), attributes: kept });
    return this;
  }

  addLink(link: Link): this {
    this.openRecord?.links.push({ traceId: link.context.traceId, spanId: link.context.spanId, attributes: { ...(link.attributes ?? {}) } });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    const record = this.openRecord;
    if (!record || status.code === OtelStatusCode.UNSET || record.status.code === 'STATUS_CODE_OK') return this;
    record.status =
      status.code === OtelStatusCode.ERROR
        ? { code: 'STATUS_CODE_ERROR', message: typeof status.message === 'string' ? status.message : '' }
        : { code: 'STATUS_CODE_OK', message: '' };
    return this;
  }

  updateName(name: string): this {
    const record = this.openRecord;
    if (record) record.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (!this.live?.isOpen) {
      if (this.live) logger.debug(`Span "${this.live.name}" was ended twice; the second end is ignored.`);
      return;
    }
    this.live.endAt(endTime === undefined ? undefined : nanosOf(endTime));
  }

  isRecording(): boolean {
    return this.live?.isOpen ?? false;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception) {
      const type = exception.code ? String(exception.code) : exception.name;
      if (type) attributes['exception.type'] = type;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] !== undefined || attributes['exception.message'] !== undefined) this.addEvent('exception', attributes, time);
  }
}
