import {
  SpanAttributeKey,
  TRACE_SCHEMA_VERSION,
  TraceMetadataKey,
  TraceTagKey,
  type SpanRecord,
  type TraceRecord,
} from '../store/trace-entities.js';
import { nanosToMillis } from './ids.js';
import { parseJsonAttribute } from './json-safe.js';
import type { PendingTrace } from './trace-buffer.js';

export const PREVIEW_MAX_LENGTH = 1000;

/** A span edit function (redaction): gets each span of a finished trace before export and may change it. */
export type SpanProcessorFn = (span: import('./live-span.js').LiveSpan) => void;

/** Runs the user's span processors (redaction) over the spans of a trace whose root has just ended. */
export function applySpanProcessors(pending: PendingTrace, processors: readonly SpanProcessorFn[], onProcessorError: (error: unknown) => void): void {
  if (processors.length === 0) return;
  const spans = [...pending.spans.values()];
  for (const processor of processors) {
    for (const span of spans) {
      try {
        processor(span);
      } catch (error) {
        onProcessorError(error);
      }
    }
  }
}

/**
 * Turns a buffered trace whose root has ended (its span processors applied) into the record exporters get: state,
 * duration, previews (from the edited root), token usage and the trace name.
 */
export function finishTrace(pending: PendingTrace): TraceRecord {
  const records: SpanRecord[] = [];
  for (const span of pending.spans.values()) records.push(span.record);
  if (records.length > 1) records.sort(byStartTime);
  const root = pending.spans.get(pending.rootSpanId)?.record;
  const info = { ...pending.info, traceMetadata: { ...pending.info.traceMetadata }, tags: { ...pending.info.tags } };
  if (root) {
    const end = root.endTimeUnixNano;
    info.executionDuration = end === null ? null : nanosToMillis(end - root.startTimeUnixNano);
    info.state = root.status.code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'OK';
    info.requestPreview ??= preview(root.attributes[SpanAttributeKey.INPUTS]);
    info.responsePreview ??= preview(root.attributes[SpanAttributeKey.OUTPUTS]);
    info.tags[TraceTagKey.TRACE_NAME] ??= root.name;
  }
  info.traceMetadata[TraceMetadataKey.SCHEMA_VERSION] ??= TRACE_SCHEMA_VERSION;
  const usage = aggregateTokenUsage(records);
  if (usage) info.traceMetadata[TraceMetadataKey.TOKEN_USAGE] ??= JSON.stringify(usage);
  return { info, data: { spans: records } };
}

/** Start order; spans that started in the same nanosecond keep the order they started in (sort is stable). */
function byStartTime(a: SpanRecord, b: SpanRecord): number {
  return a.startTimeUnixNano === b.startTimeUnixNano ? 0 : a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
}

/** The raw JSON text of the root's inputs or outputs, cut to 1000 characters with "..." as MLflow does. */
export function preview(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > PREVIEW_MAX_LENGTH ? `${text.slice(0, PREVIEW_MAX_LENGTH - 3)}...` : text;
}

const USAGE_KEYS = ['input_tokens', 'output_tokens', 'total_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

/**
 * Sums `mlflow.chat.tokenUsage` over the spans, skipping a span whose ancestor also reports usage (a wrapper that
 * re-reports its child's usage would otherwise count it twice).
 */
export function aggregateTokenUsage(spans: readonly SpanRecord[]): Record<string, number> | undefined {
  // Spans by id, made only when a span with usage has a parent to look at.
  let byId: Map<string, SpanRecord> | undefined;
  const total: Record<string, number> = {};
  let found = false;
  for (const span of spans) {
    const usage = usageOf(span);
    if (!usage) continue;
    if (span.parentSpanId !== null && byId === undefined) {
      byId = new Map();
      for (const other of spans) byId.set(other.spanId, other);
    }
    let ancestor = span.parentSpanId === null ? undefined : byId?.get(span.parentSpanId);
    let counted = false;
    while (ancestor) {
      if (usageOf(ancestor)) {
        counted = true;
        break;
      }
      ancestor = ancestor.parentSpanId === null ? undefined : byId?.get(ancestor.parentSpanId);
    }
    if (counted) continue;
    for (const key of USAGE_KEYS) {
      const value = usage[key];
      if (typeof value === 'number' && Number.isFinite(value)) {
        total[key] = (total[key] ?? 0) + value;
        found = true;
      }
    }
  }
  if (!found) return undefined;
  if (total.total_tokens === undefined && (total.input_tokens !== undefined || total.output_tokens !== undefined)) {
    total.total_tokens = (total.input_tokens ?? 0) + (total.output_tokens ?? 0);
  }
  return total;
}

function usageOf(span: SpanRecord): Record<string, unknown> | undefined {
  const raw = span.attributes[SpanAttributeKey.CHAT_TOKEN_USAGE];
  if (raw === undefined) return undefined;
  const value = parseJsonAttribute(raw);
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}
