import { configure, disable, enable, isEnabled } from './control.js';
import { setDestination } from './destination.js';

export { SpanType, type SpanTypeName } from './span-type.js';
export { LiveSpan, type EndSpanOptions, type SpanEventInput, type SpanStatusInput } from './live-span.js';
export { Span, Trace } from './trace-entity.js';
export { trace, type TraceOptions } from './trace-function.js';
export {
  withSpan,
  startSpan,
  getCurrentActiveSpan,
  getLastActiveTraceId,
  updateCurrentTrace,
  flushTraces,
  type SpanOptions,
  type StartSpanOptions,
  type UpdateTraceOptions,
} from './span-api.js';
export { getTrace, searchTraces, searchTracesPage, setTraceTag, deleteTraceTag, type SearchTracesOptions } from './read.js';
export { tracingContext, type TracingContextOptions } from './trace-context.js';
export { getTracingContextHeaders, withTracingContextFromHeaders, type TracingHeaders } from './distributed.js';
export { addTrace, type AddTraceInput, type TraceJson } from './add-trace.js';
export { EvalflowSpanProcessor } from './processor.js';
export { StoreTraceExporter } from './exporters/store-exporter.js';
export { OtlpTraceExporter, otlpExporterFromEnv, traceToReadableSpans, type OtlpTraceExporterOptions } from './exporters/otlp-exporter.js';
export type { TraceExporter } from './pipeline.js';
export type { SpanProcessorFn } from './finish-trace.js';
export type { TraceDestination } from './destination.js';
export type { TracingConfiguration } from './control.js';

/** Tracing controls: `tracing.configure`, `tracing.enable`, `tracing.disable`, `tracing.setDestination`. */
export const tracing = { configure, enable, disable, isEnabled, setDestination };
