import { SpanStatusCode as OtelStatusCode, type Span as OtelSpan } from '@opentelemetry/api';
import { SpanAttributeKey, type SpanRecord, type SpanStatusCode } from '../store/trace-entities.js';
import { hrTimeToNanos, nanosToHrTime } from './ids.js';
import { toJsonString } from './json-safe.js';
import { SpanRecordView } from './span-view.js';
import { SpanType, type SpanTypeName } from './span-type.js';

export type SpanStatusInput = SpanStatusCode | 'OK' | 'ERROR' | 'UNSET';

export interface SpanEventInput {
  name: string;
  attributes?: Record<string, unknown>;
  /** Nanoseconds since the epoch; now by default. */
  timestampNs?: bigint;
}

export interface EndSpanOptions {
  outputs?: unknown;
  attributes?: Record<string, unknown>;
  status?: SpanStatusInput;
  endTimeNs?: bigint;
}

/**
 * A span being recorded (mirrors MLflow's `LiveSpan`). Every change is kept in the span's record and, while the span
 * is open, also written to the OpenTelemetry span, so other OTel processors see it too. After the span ends the
 * record stays editable: span processors (redaction) change it before export.
 */
export class LiveSpan extends SpanRecordView {
  private readonly otelSpan: OtelSpan | undefined;
  /** Set for a span evalflow records itself (no SDK span behind it): called once the record is final. */
  private readonly ownEnd: ((span: LiveSpan) => void) | undefined;
  /** Changes are also written to an SDK span (not for spans evalflow records itself). */
  private readonly mirror: boolean;
  private open: boolean;
  /**
   * Called when the trace's root span ends while this span is still open (a stream nobody finished reading): it
   * should end the span. Without it the span is exported unfinished.
   */
  closeWithTrace: (() => void) | undefined;

  constructor(record: SpanRecord, otelSpan?: OtelSpan, ownEnd?: (span: LiveSpan) => void) {
    super(record);
    this.otelSpan = otelSpan;
    this.ownEnd = ownEnd;
    this.mirror = otelSpan !== undefined && ownEnd === undefined;
    this.open = otelSpan !== undefined && record.endTimeUnixNano === null;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The OpenTelemetry span behind this one (undefined for a span that is not recorded). @internal */
  get otelSpan_(): OtelSpan | undefined {
    return this.otelSpan;
  }


  setInputs(inputs: unknown): this {
    return this.setAttribute(SpanAttributeKey.INPUTS, inputs);
  }

  setOutputs(outputs: unknown): this {
    return this.setAttribute(SpanAttributeKey.OUTPUTS, outputs);
  }

  setSpanType(spanType: SpanTypeName): this {
    return this.setJsonAttribute(SpanAttributeKey.SPAN_TYPE, SPAN_TYPE_JSON.get(spanType) ?? toJsonString(spanType));
  }

  /** Stores the value as JSON text, as MLflow does for every attribute it writes. */
  setAttribute(key: string, value: unknown): this {
    const encoded = toJsonString(value);
    this.record.attributes[key] = encoded;
    if (this.open && this.mirror) this.otelSpan?.setAttribute(key, encoded);
    return this;
  }

  /** Sets an attribute from its JSON text, written by the caller (constants, ids). @internal */
  setJsonAttribute(key: string, json: string): this {
    this.record.attributes[key] = json;
    if (this.open && this.mirror) this.otelSpan?.setAttribute(key, json);
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }

  removeAttribute(key: string): this {
    delete this.record.attributes[key];
    return this;
  }

  setStatus(status: SpanStatusInput, message = ''): this {
    const code = normaliseStatus(status);
    this.record.status = { code, message };
    if (this.open && this.mirror) {
      this.otelSpan?.setStatus({
        code: code === 'STATUS_CODE_ERROR' ? OtelStatusCode.ERROR : code === 'STATUS_CODE_OK' ? OtelStatusCode.OK : OtelStatusCode.UNSET,
        ...(message && { message }),
      });
    }
    return this;
  }

  addEvent(event: SpanEventInput): this {
    const time = event.timestampNs ?? nowNanos();
    const attributes = Object.fromEntries(
      Object.entries(event.attributes ?? {}).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : toJsonString(v)]),
    );
    this.record.events.push({ name: event.name, timeUnixNano: time, attributes });
    if (this.open && this.mirror) this.otelSpan?.addEvent(event.name, attributes as Record<string, string | number | boolean>, nanosToHrTime(time));
    return this;
  }

  /** An `exception` event with type, message and stack, and status ERROR, as OTel and MLflow record errors. */
  recordException(error: unknown): this {
    const err = error instanceof Error ? error : new Error(String(error));
    this.addEvent({
      name: 'exception',
      attributes: {
        'exception.type': err.name || err.constructor?.name || 'Error',
        'exception.message': err.message,
        'exception.stacktrace': err.stack ?? '',
      },
    });
    return this.setStatus('STATUS_CODE_ERROR', err.message);
  }

  /** Ends the span: status OK unless it is ERROR. Ending twice does nothing. */
  end(options: EndSpanOptions = {}): void {
    if (!this.open) return;
    if (options.outputs !== undefined) this.setOutputs(options.outputs);
    if (options.attributes) this.setAttributes(options.attributes);
    if (options.status !== undefined) this.setStatus(options.status);
    else if (this.record.status.code !== 'STATUS_CODE_ERROR') this.setStatus('STATUS_CODE_OK');
    this.endAt(options.endTimeNs);
  }

  /**
   * Ends the span as it is (no status change), now or at `endTimeNs`; what `end()` does last, and what ending it
   * through the OpenTelemetry API does. @internal
   */
  endAt(endTimeNs?: bigint): void {
    if (!this.open) return;
    this.open = false;
    if (this.ownEnd) {
      const end = endTimeNs ?? nowNanos();
      // As OpenTelemetry does: an end before the start is a zero-length span.
      this.record.endTimeUnixNano = end < this.record.startTimeUnixNano ? this.record.startTimeUnixNano : end;
      this.ownEnd(this);
      return;
    }
    // Explicit, on the same clock as the start (see startRecordedSpan).
    this.otelSpan?.end(endTimeNs === undefined ? hrNow() : nanosToHrTime(endTimeNs));
  }

  /** Marks the span ended without an OTel span to end (the processor calls this when OTel ends it). */
  markEnded(): void {
    this.open = false;
  }
}

/** The JSON text of MLflow's span types, written once rather than on every span. */
const SPAN_TYPE_JSON = new Map<string, string>(Object.values(SpanType).map((type) => [type, JSON.stringify(type)]));

export function normaliseStatus(status: SpanStatusInput | string): SpanStatusCode {
  switch (status) {
    case 'OK':
    case 'STATUS_CODE_OK':
      return 'STATUS_CODE_OK';
    case 'ERROR':
    case 'STATUS_CODE_ERROR':
      return 'STATUS_CODE_ERROR';
    default:
      return 'STATUS_CODE_UNSET';
  }
}

/** Now in nanoseconds since the epoch, the same instant `hrNow()` gives. */
export function nowNanos(): bigint {
  return hrTimeToNanos(hrNow());
}

/** Now as OpenTelemetry's [seconds, nanoseconds] (0 ≤ nanoseconds < 10⁹), the same instant `nowNanos()` gives. */
export function hrNow(): [number, number] {
  const ms = performance.timeOrigin + performance.now();
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6));
  if (nanos < 0) {
    // ms / 1000 rounded up to a whole second: borrow one.
    seconds -= 1;
    nanos += 1_000_000_000;
  }
  return [seconds, nanos];
}
