import type { SpanRecord, TraceInfoRecord, TraceRecord } from '../store/trace-entities.js';
import { assessmentFromRecord } from '../assessments/entities.js';
import { hexToBase64, otelTraceIdOf } from './ids.js';
import type { SpanTypeName } from './span-type.js';
import { SpanRecordView } from './span-view.js';

/** A finished span (mirrors MLflow's `Span`): decoded accessors over the stored record. */
export class Span extends SpanRecordView {
  /** Duration in milliseconds, or null for a span that had not ended. */
  get durationMs(): number | null {
    return this.record.endTimeUnixNano === null ? null : Number(this.record.endTimeUnixNano - this.record.startTimeUnixNano) / 1e6;
  }

  /** MLflow's span JSON: ids as base64 of their bytes, times in nanoseconds, attributes as stored (JSON text). */
  toJSON(): Record<string, unknown> {
    const r = this.record;
    const otelTraceId = otelTraceIdOf(r.traceId) ?? '';
    return {
      trace_id: hexToBase64(otelTraceId),
      span_id: hexToBase64(r.spanId),
      parent_span_id: r.parentSpanId === null ? '' : hexToBase64(r.parentSpanId),
      name: r.name,
      start_time_unix_nano: Number(r.startTimeUnixNano),
      end_time_unix_nano: r.endTimeUnixNano === null ? null : Number(r.endTimeUnixNano),
      status: { code: r.status.code, message: r.status.message },
      attributes: r.attributes,
      events: r.events.map((e) => ({ name: e.name, time_unix_nano: Number(e.timeUnixNano), attributes: e.attributes })),
      ...(r.links.length > 0 && {
        links: r.links.map((l) => ({ trace_id: hexToBase64(l.traceId), span_id: hexToBase64(l.spanId), attributes: l.attributes })),
      }),
    };
  }
}

/** A trace (mirrors MLflow's `Trace`): `info` and `data.spans`, and its MLflow v3 JSON through `toJSON()`. */
export class Trace {
  readonly info: TraceInfoRecord;
  readonly data: { spans: Span[] };

  constructor(record: TraceRecord) {
    this.info = record.info;
    this.data = { spans: record.data.spans.map((span) => new Span(span)) };
  }

  get rootSpan(): Span | undefined {
    const ids = new Set(this.data.spans.map((s) => s.spanId));
    return this.data.spans.find((s) => s.parentId === null || !ids.has(s.parentId));
  }

  /** Spans with this name, or of this type. */
  searchSpans(filter: { name?: string; spanType?: SpanTypeName }): Span[] {
    return this.data.spans.filter(
      (span) => (filter.name === undefined || span.name === filter.name) && (filter.spanType === undefined || span.spanType === filter.spanType),
    );
  }

  toRecord(): TraceRecord {
    return { info: this.info, data: { spans: this.data.spans.map((s) => s.record) } };
  }

  /** MLflow's v3 trace JSON (`{ info, data }`, snake_case, request time as ISO text, duration as "0.532s"). */
  toJSON(): { info: Record<string, unknown>; data: { spans: Record<string, unknown>[] } } {
    const i = this.info;
    return {
      info: {
        trace_id: i.traceId,
        ...(i.clientRequestId !== null && { client_request_id: i.clientRequestId }),
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: i.experimentId } },
        ...(i.requestPreview !== null && { request_preview: i.requestPreview }),
        ...(i.responsePreview !== null && { response_preview: i.responsePreview }),
        request_time: new Date(i.requestTime).toISOString(),
        ...(i.executionDuration !== null && { execution_duration: `${i.executionDuration / 1000}s` }),
        state: i.state,
        trace_metadata: i.traceMetadata,
        tags: i.tags,
        assessments: (i.assessments ?? []).map((a) => assessmentFromRecord(a).toJSON()),
      },
      data: { spans: this.data.spans.map((span) => span.toJSON()) },
    };
  }
}
