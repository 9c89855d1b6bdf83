import type { TraceInfoRecord } from '../store/trace-entities.js';
import type { LiveSpan } from './live-span.js';

/** A trace whose root span has not ended yet: its info and every span seen so far, by span id. */
export interface PendingTrace {
  info: TraceInfoRecord;
  rootSpanId: string;
  spans: Map<string, LiveSpan>;
}

/**
 * Keeps each trace's spans until its root ends (MLflow's InMemoryTraceManager). Keyed by OTel trace id; an OTel span
 * is found as a LiveSpan by its trace and span ids.
 */
export class TraceBuffer {
  private readonly traces = new Map<string, PendingTrace>();

  start(otelTraceId: string, trace: PendingTrace): void {
    this.traces.set(otelTraceId, trace);
  }

  get(otelTraceId: string): PendingTrace | undefined {
    return this.traces.get(otelTraceId);
  }

  addSpan(trace: PendingTrace, span: LiveSpan): void {
    trace.spans.set(span.spanId, span);
  }

  span(otelTraceId: string, spanId: string): LiveSpan | undefined {
    return this.traces.get(otelTraceId)?.spans.get(spanId);
  }

  /** Removes a finished trace and its spans from the buffer. */
  pop(otelTraceId: string): PendingTrace | undefined {
    const trace = this.traces.get(otelTraceId);
    if (trace) this.traces.delete(otelTraceId);
    return trace;
  }

  get size(): number {
    return this.traces.size;
  }
}
