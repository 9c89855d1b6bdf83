import { SpanAttributeKey, type SpanRecord } from '../store/trace-entities.js';
import { parseJsonAttribute } from './json-safe.js';
import { SpanType, type SpanTypeName } from './span-type.js';

/** Decoded, read-only accessors over a span record; shared by live spans and finished ones. */
export class SpanRecordView {
  constructor(readonly record: SpanRecord) {}

  get traceId(): string {
    return this.record.traceId;
  }

  get spanId(): string {
    return this.record.spanId;
  }

  get parentId(): string | null {
    return this.record.parentSpanId;
  }

  get name(): string {
    return this.record.name;
  }

  get spanType(): SpanTypeName {
    const value = parseJsonAttribute(this.record.attributes[SpanAttributeKey.SPAN_TYPE]);
    return typeof value === 'string' ? value : SpanType.UNKNOWN;
  }

  get inputs(): unknown {
    return parseJsonAttribute(this.record.attributes[SpanAttributeKey.INPUTS]);
  }

  get outputs(): unknown {
    return parseJsonAttribute(this.record.attributes[SpanAttributeKey.OUTPUTS]);
  }

  get status(): SpanRecord['status'] {
    return this.record.status;
  }

  get startTimeNs(): bigint {
    return this.record.startTimeUnixNano;
  }

  get endTimeNs(): bigint | null {
    return this.record.endTimeUnixNano;
  }

  /** The attributes, JSON-decoded. */
  get attributes(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.record.attributes).map(([k, v]) => [k, parseJsonAttribute(v)]));
  }

  getAttribute(key: string): unknown {
    return parseJsonAttribute(this.record.attributes[key]);
  }

  get events(): SpanRecord['events'] {
    return this.record.events;
  }
}
