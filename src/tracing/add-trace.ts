import { ROOT_CONTEXT, SpanStatusCode as OtelStatusCode, trace as otelTrace, type AttributeValue, type Link } from '@opentelemetry/api';
import { EvalflowError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import {
  SpanAttributeKey,
  type SpanEventRecord,
  type SpanLinkRecord,
  type SpanRecord,
  type SpanStatusCode,
  type TraceRecord,
} from '../store/trace-entities.js';
import { nanosToHrTime, otelTraceIdOf } from './ids.js';
import { toJsonString } from './json-safe.js';
import { LiveSpan, normaliseStatus } from './live-span.js';
import { pipeline } from './pipeline.js';
import { getTracer } from './provider.js';
import { getCurrentActiveSpan } from './span-api.js';
import { Trace } from './trace-entity.js';

/**
 * A finished trace to graft: a `Trace` (from `getTrace`, `searchTraces`), the record an exporter gets, MLflow's trace
 * JSON (`trace.toJSON()`, Python's `trace.to_dict()`, e.g. sent back by a remote service), or that JSON as text.
 */
export type AddTraceInput = Trace | TraceRecord | TraceJson | string;

/** MLflow's v3 trace JSON: `{ info, data: { spans } }` with snake_case keys and base64 ids. */
export interface TraceJson {
  info?: Record<string, unknown>;
  data: { spans: Record<string, unknown>[] };
}

/** A span of the trace being added, normalised from any input form. */
interface SourceSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint | null;
  status: { code: SpanStatusCode; message: string };
  attributes: Record<string, AttributeValue>;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
}

/**
 * Adds the spans of a finished trace (for example one a remote service returned with its response) to the trace in
 * progress, under `target` or, by default, the active span (MLflow's `mlflow.add_trace`).
 *
 * Every span is re-created as a real OpenTelemetry span with a new span id, its parent links remapped (the trace's
 * top spans become children of the target), in the current trace. Names, span types, inputs, outputs, other
 * attributes, events, links, status and the start and end times are kept as they were; `mlflow.traceRequestId`
 * becomes the current trace's id. The added trace's user tags (not `mlflow.*`) are copied to the current trace where
 * it has no tag of that name; its metadata is not (token usage is summed over the spans when the trace ends).
 *
 * An invalid `trace` or `target` argument is an argument error (`EvalflowError`, INVALID_PARAMETER_VALUE), as is a
 * trace still in progress. Otherwise it never throws: with no target and no active span, or a target whose trace has
 * already finished, it warns and adds nothing (MLflow raises there; evalflow never throws into traced code).
 */
export function addTrace(trace: AddTraceInput, target?: LiveSpan): void {
  const source = readTrace(trace);
  if (target !== undefined && !(target instanceof LiveSpan)) {
    throw EvalflowError.invalid('addTrace(trace, target?): target must be a LiveSpan (from withSpan, startSpan or getCurrentActiveSpan()).');
  }
  const ordered = parentsFirst(source.spans);
  if (!pipeline.enabled) return;

  const parent = target ?? getCurrentActiveSpan();
  if (!parent) {
    logger.warn('addTrace found no active span and was given no target span, so the trace was not added: call it inside trace() or withSpan(), or pass target.');
    return;
  }
  const otelTraceId = otelTraceIdOf(parent.traceId);
  const pending = otelTraceId === undefined ? undefined : pipeline.buffer.get(otelTraceId);
  const parentOtelSpan = parent.otelSpan_;
  if (!pending || !parentOtelSpan || pending.spans.get(parent.spanId) !== parent) {
    logger.warn(
      `addTrace: the target span "${parent.name}" is not part of a trace in progress (its trace has finished, or it is not recorded), so the trace was not added.`,
    );
    return;
  }

  try {
    const tracer = getTracer();
    const created = new Map<string, LiveSpan>();
    for (const span of ordered) {
      const parentSpan = (span.parentSpanId === null ? undefined : created.get(span.parentSpanId)?.otelSpan_) ?? parentOtelSpan;
      const { [SpanAttributeKey.TRACE_ID]: _oldTraceId, ...attributes } = span.attributes;
      const otelSpan = tracer.startSpan(
        span.name,
        { startTime: nanosToHrTime(span.startTimeUnixNano), attributes, links: span.links.map(toOtelLink) },
        otelTrace.setSpan(ROOT_CONTEXT, parentSpan),
      );
      const started = otelSpan.spanContext();
      const live = pipeline.buffer.span(started.traceId, started.spanId);
      if (!live) {
        otelSpan.end();
        pipeline.warnOnce('no-processor', 'The tracer provider has no EvalflowSpanProcessor; evalflow spans are not recorded');
        return;
      }
      created.set(span.spanId, live);
      for (const event of span.events) otelSpan.addEvent(event.name, toOtelAttributes(event.attributes), nanosToHrTime(event.timeUnixNano));
      if (span.status.code !== 'STATUS_CODE_UNSET') {
        otelSpan.setStatus({
          code: span.status.code === 'STATUS_CODE_ERROR' ? OtelStatusCode.ERROR : OtelStatusCode.OK,
          ...(span.status.message && { message: span.status.message }),
        });
      }
      // A span unfinished in the source stays unfinished (exported without an end time, as it was).
      if (span.endTimeUnixNano !== null) otelSpan.end(nanosToHrTime(span.endTimeUnixNano));
      // The record keeps the source exactly (OTel span limits and status rules do not apply to what was recorded).
      const record = live.record;
      record.attributes = { ...attributes, [SpanAttributeKey.TRACE_ID]: toJsonString(pending.info.traceId) };
      record.events = span.events.map((event) => ({ ...event, attributes: { ...event.attributes } }));
      record.links = span.links.map((link) => ({ ...link, attributes: { ...link.attributes } }));
      record.status = { ...span.status };
      record.startTimeUnixNano = span.startTimeUnixNano;
      record.endTimeUnixNano = span.endTimeUnixNano;
    }
    for (const [key, value] of Object.entries(source.tags)) {
      if (!key.startsWith('mlflow.') && !(key in pending.info.tags)) pending.info.tags[key] = value;
    }
  } catch (error) {
    pipeline.warnOnce('addTrace', 'addTrace failed; the trace was added only in part', error);
  }
}

// ---- reading the argument -------------------------------------------------------------------------------------

function invalid(message: string, details?: Record<string, unknown>): EvalflowError {
  return EvalflowError.invalid(`addTrace: ${message}`, details);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readTrace(input: unknown): { spans: SourceSpan[]; tags: Record<string, string> } {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw invalid('the trace text is not JSON; expected the JSON of a trace ({"info": …, "data": {"spans": […]}}).');
    }
  }
  if (value instanceof Trace) value = value.toRecord();
  if (!isObject(value) || !isObject(value.data) || !Array.isArray(value.data.spans)) {
    throw invalid('expected a Trace, a trace record or MLflow trace JSON ({ info, data: { spans: [...] } }).');
  }
  const info = isObject(value.info) ? value.info : {};
  const state = info.state ?? info.status;
  if (state === 'IN_PROGRESS') {
    throw invalid('the trace is still in progress; only a finished trace can be added.', { traceId: info.traceId ?? info.trace_id });
  }
  const tags: Record<string, string> = {};
  if (isObject(info.tags)) {
    for (const [key, tag] of Object.entries(info.tags)) if (typeof tag === 'string') tags[key] = tag;
  }
  const spans = value.data.spans.map((span, index) => readSpan(span, index));
  return { spans, tags };
}

function readSpan(span: unknown, index: number): SourceSpan {
  if (!isObject(span)) throw invalid(`span ${index} is not an object.`, { index });
  const json = 'span_id' in span || 'start_time_unix_nano' in span;
  const at = (message: string): EvalflowError => invalid(`span ${index}${typeof span.name === 'string' ? ` ("${span.name}")` : ''}: ${message}`, { index });

  const spanId = readSpanId(json ? span.span_id : span.spanId, json);
  if (spanId === undefined) throw at(`the span id is not ${json ? 'base64 of 8 bytes (or 16 hex digits)' : '16 hex digits'}.`);
  const rawParent = json ? span.parent_span_id : span.parentSpanId;
  let parentSpanId: string | null = null;
  if (rawParent !== null && rawParent !== undefined && rawParent !== '') {
    const parsed = readSpanId(rawParent, json);
    if (parsed === undefined) throw at('the parent span id is not a span id.');
    parentSpanId = parsed;
  }
  if (typeof span.name !== 'string') throw at('the span has no name.');
  const start = readNanos(json ? span.start_time_unix_nano : span.startTimeUnixNano);
  if (start === undefined || start === null) throw at('the start time is not a time in nanoseconds since the epoch.');
  const rawEnd = json ? span.end_time_unix_nano : span.endTimeUnixNano;
  const end = rawEnd === undefined ? null : readNanos(rawEnd);
  if (end === undefined) throw at('the end time is not a time in nanoseconds since the epoch (or null).');

  const status = readStatus(span.status);
  if (!status) throw at('the status is not { code, message }.');
  const attributes = span.attributes === undefined ? {} : span.attributes;
  if (!isObject(attributes)) throw at('the attributes are not an object.');

  const events: SpanEventRecord[] = [];
  const rawEvents = span.events ?? [];
  if (!Array.isArray(rawEvents)) throw at('the events are not a list.');
  for (const event of rawEvents) {
    if (!isObject(event) || typeof event.name !== 'string') throw at('an event has no name.');
    const time = readNanos(json ? event.time_unix_nano : event.timeUnixNano);
    if (time === undefined || time === null) throw at(`event "${event.name}" has no time.`);
    const eventAttributes = event.attributes ?? {};
    if (!isObject(eventAttributes)) throw at(`the attributes of event "${event.name}" are not an object.`);
    events.push({ name: event.name, timeUnixNano: time, attributes: toOtelAttributes(eventAttributes) });
  }

  const links: SpanLinkRecord[] = [];
  const rawLinks = span.links ?? [];
  if (!Array.isArray(rawLinks)) throw at('the links are not a list.');
  for (const link of rawLinks) {
    const linkTraceId = isObject(link) ? readTraceId(json ? link.trace_id : link.traceId, json) : undefined;
    const linkSpanId = isObject(link) ? readSpanId(json ? link.span_id : link.spanId, json) : undefined;
    if (!isObject(link) || linkTraceId === undefined || linkSpanId === undefined) throw at('a link has no valid trace id and span id.');
    const linkAttributes = link.attributes ?? {};
    if (!isObject(linkAttributes)) throw at('the attributes of a link are not an object.');
    links.push({ traceId: linkTraceId, spanId: linkSpanId, attributes: toOtelAttributes(linkAttributes) });
  }

  return {
    spanId,
    parentSpanId,
    name: span.name,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    status,
    attributes: spanAttributes(attributes),
    events,
    links,
  };
}

/** 16 hex digits; in the JSON form also base64 of the 8 bytes (MLflow's) or "0x"-prefixed hex (older dicts). */
function readSpanId(value: unknown, json: boolean): string | undefined {
  return readId(value, json, 8);
}

function readTraceId(value: unknown, json: boolean): string | undefined {
  return readId(value, json, 16);
}

function readId(value: unknown, json: boolean, bytes: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hexPattern = new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`);
  if (hexPattern.test(value)) return value.replace(/^0x/, '').toLowerCase();
  if (!json || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes ? decoded.toString('hex') : undefined;
}

/** Nanoseconds as bigint, from a bigint, an integer number or a decimal string; null for null; undefined if invalid. */
function readNanos(value: unknown): bigint | null | undefined {
  if (value === null || value === undefined) return value === null ? null : undefined;
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? BigInt(Math.round(value)) : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return undefined;
}

function readStatus(value: unknown): { code: SpanStatusCode; message: string } | undefined {
  if (value === undefined || value === null) return { code: 'STATUS_CODE_UNSET', message: '' };
  if (typeof value === 'string') return { code: normaliseStatus(value), message: '' };
  if (!isObject(value)) return undefined;
  const code = value.code ?? value.status_code;
  const message = value.message ?? value.description ?? '';
  if ((code !== undefined && typeof code !== 'string') || typeof message !== 'string') return undefined;
  return { code: code === undefined ? 'STATUS_CODE_UNSET' : normaliseStatus(code), message };
}

/**
 * Span attributes as evalflow stores them: MLflow's own (`mlflow.*`) as JSON text (a reader that decoded them, as
 * MLflow's TypeScript `toJson` does, gets them encoded again), others as OTel values.
 */
function spanAttributes(attributes: Record<string, unknown>): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    result[key] = key.startsWith('mlflow.') && !isJsonText(value) ? toJsonString(value) : toOtelValue(value);
  }
  return result;
}

function isJsonText(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function toOtelAttributes(attributes: Record<string, unknown>): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) result[key] = toOtelValue(value);
  return result;
}

/** An OTel attribute value as it is; anything else (objects, mixed lists, null) as JSON text. */
function toOtelValue(value: unknown): AttributeValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.length > 0) {
    const kind = typeof value[0];
    if ((kind === 'string' || kind === 'number' || kind === 'boolean') && value.every((item) => typeof item === kind)) {
      return value as AttributeValue;
    }
  }
  return toJsonString(value);
}

function toOtelLink(link: SpanLinkRecord): Link {
  return { context: { traceId: link.traceId, spanId: link.spanId, traceFlags: 1 }, attributes: link.attributes as Record<string, AttributeValue> };
}

/**
 * The spans in an order where each parent comes before its children; spans whose parent is not in the trace (its
 * root, or the top of a partial trace) come first, in their order. Duplicate ids and parent cycles are argument errors.
 */
function parentsFirst(spans: readonly SourceSpan[]): SourceSpan[] {
  const byId = new Map<string, SourceSpan>();
  for (const span of spans) {
    if (byId.has(span.spanId)) throw invalid(`two spans have the id ${span.spanId}.`, { spanId: span.spanId });
    byId.set(span.spanId, span);
  }
  const children = new Map<string, SourceSpan[]>();
  const ordered: SourceSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId !== null && byId.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else ordered.push(span);
  }
  for (let i = 0; i < ordered.length; i += 1) {
    const span = ordered[i] as SourceSpan;
    ordered.push(...(children.get(span.spanId) ?? []));
  }
  if (ordered.length !== spans.length) {
    throw invalid('the spans’ parent links form a cycle; a trace is a tree of spans.');
  }
  return ordered;
}
