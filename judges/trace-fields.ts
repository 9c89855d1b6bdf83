import type { Span, Trace } from '../src/tracing/index.js';
import type { ScorerInput } from './types.js';
import { jsonText, truncate } from './text.js';

/** One retrieved document, as judges see it. */
export interface RetrievedChunk {
  content: string;
  doc_uri?: string;
}

/** The documents of one top-level RETRIEVER span. */
export interface RetrievalContext {
  spanId: string;
  chunks: RetrievedChunk[];
}

/**
 * The row's fields, with the missing ones taken from its trace: inputs and outputs from the root span, expectations
 * from the trace's (valid) expectation assessments, by name.
 */
export function fillFromTrace(input: ScorerInput): ScorerInput {
  const trace = input.trace;
  if (!trace) return input;
  const root = trace.rootSpan;
  const filled: ScorerInput = { ...input };
  // The root span's request as recorded (usually an object of arguments); judges turn it into text either way.
  if (filled.inputs === undefined && root && root.inputs !== null && root.inputs !== undefined) filled.inputs = root.inputs as Record<string, unknown>;
  if (filled.outputs === undefined && root && root.outputs !== null && root.outputs !== undefined) filled.outputs = root.outputs;
  if (filled.expectations === undefined) {
    const expectations = (trace.info.assessments ?? []).filter((a) => a.kind === 'expectation' && a.valid !== false);
    if (expectations.length > 0) filled.expectations = Object.fromEntries(expectations.map((a) => [a.name, a.value]));
  }
  return filled;
}

/** The top-level RETRIEVER spans (no RETRIEVER ancestor) and their documents, in span order. */
export function retrievalContexts(trace: Trace): RetrievalContext[] {
  const byId = new Map(trace.data.spans.map((span) => [span.spanId, span]));
  const hasRetrieverAncestor = (span: Span): boolean => {
    const seen = new Set<string>();
    for (let parent = span.parentId; parent !== null && !seen.has(parent); ) {
      seen.add(parent);
      const ancestor = byId.get(parent);
      if (!ancestor) return false;
      if (ancestor.spanType === 'RETRIEVER') return true;
      parent = ancestor.parentId;
    }
    return false;
  };
  return trace.data.spans
    .filter((span) => span.spanType === 'RETRIEVER' && !hasRetrieverAncestor(span))
    .map((span) => ({ spanId: span.spanId, chunks: documentsOf(span.outputs) }));
}

/** A retriever's documents: each object becomes `{ content, doc_uri? }` (page_content / pageContent); others are dropped. */
function documentsOf(outputs: unknown): RetrievedChunk[] {
  if (!Array.isArray(outputs)) return [];
  const chunks: RetrievedChunk[] = [];
  for (const document of outputs) {
    if (document === null || typeof document !== 'object' || Array.isArray(document)) continue;
    const d = document as { page_content?: unknown; pageContent?: unknown; metadata?: { doc_uri?: unknown } };
    const content = d.page_content ?? d.pageContent;
    const uri = d.metadata?.doc_uri;
    chunks.push({
      content: typeof content === 'string' ? content : content === undefined || content === null ? '' : jsonText(content),
      ...(typeof uri === 'string' && { doc_uri: uri }),
    });
  }
  return chunks;
}

export interface TraceSummaryOptions {
  /** Characters kept of each span's inputs and outputs (JSON text). Default 1,000. */
  maxValueChars?: number;
  /** Spans listed; the rest are counted. Default 100. */
  maxSpans?: number;
}

/**
 * A compact JSON view of a trace for `{{ trace }}` judges: each span's name, type, parent, status and truncated
 * inputs and outputs. evalflow inlines this summary instead of MLflow's tool loop over the trace.
 */
export function traceSummary(trace: Trace, options: TraceSummaryOptions = {}): string {
  const maxValueChars = options.maxValueChars ?? 1_000;
  const maxSpans = options.maxSpans ?? 100;
  const value = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : truncate(jsonText(v), maxValueChars));
  const spans = trace.data.spans.slice(0, maxSpans).map((span) => ({
    span_id: span.spanId,
    ...(span.parentId !== null && { parent_id: span.parentId }),
    name: span.name,
    type: span.spanType,
    status: span.status.code.replace('STATUS_CODE_', ''),
    ...(span.durationMs !== null && { duration_ms: Math.round(span.durationMs) }),
    inputs: value(span.inputs),
    outputs: value(span.outputs),
  }));
  const omitted = trace.data.spans.length - spans.length;
  return jsonText({ trace_id: trace.info.traceId, state: trace.info.state, spans, ...(omitted > 0 && { omitted_spans: omitted }) }, 2);
}
