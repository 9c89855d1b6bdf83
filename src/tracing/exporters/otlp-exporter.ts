/**
 * OTLP over HTTP export of finished traces (spec §2 "OTLP notes", §3, §7 (b)).
 *
 * Each finished `TraceRecord` (after the user's span processors, so redaction applies) is turned into OpenTelemetry
 * `ReadableSpan`s and sent with `OTLPTraceExporter` from `@opentelemetry/exporter-trace-otlp-http`, whose wire format
 * is **OTLP/HTTP JSON** (`Content-Type: application/json`, hex ids, nanosecond times as decimal strings). OTel
 * Collectors and most vendors accept it. MLflow's own tracking server (`<tracking>/v1/traces`) accepts only
 * `application/x-protobuf` and needs an `x-mlflow-experiment-id` header: for it, pass a protobuf span exporter
 * (`@opentelemetry/exporter-trace-otlp-proto`) as `spanExporter`; the conversion below is the same.
 *
 * Conversion rules:
 * - span attribute values that are JSON strings (they start with `"`) are unwrapped to plain strings, so
 *   `mlflow.spanType` is `LLM` and `mlflow.traceRequestId` is `tr-…` (MLflow #23051, #24237); other JSON text
 *   (objects, arrays, numbers written by MLflow) stays text; OTel primitives stay as they are;
 * - the root span also carries the trace tags as `mlflow.traceTag.<key>`, the `mlflow.trace.session` /
 *   `mlflow.trace.user` metadata as `session.id` / `user.id`, and `mlflow.experimentId` when the trace has one;
 * - a span that had not ended is exported with the root's end time (or now, when the root has none either).
 *
 * Traces that finish in the same turn of the event loop go out in one request (up to `maxBatchSpans` spans); at most
 * `maxConcurrentRequests` requests run at once and the rest wait in a bounded queue. `export()` resolves when the
 * request carrying its trace succeeded and rejects when it failed (the tracing pipeline logs that once).
 */
import { SpanKind, SpanStatusCode, TraceFlags, type AttributeValue, type Attributes, type HrTime, type SpanContext } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult, type InstrumentationScope } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { createHash } from 'node:crypto';
import { EvalflowError } from '../../core/errors.js';
import { logger } from '../../core/logger.js';
import { SpanAttributeKey, TraceMetadataKey, type SpanRecord, type SpanStatusCode as RecordStatusCode, type TraceRecord } from '../../store/trace-entities.js';
import { hrTimeToNanos, nanosToHrTime, otelTraceIdOf } from '../ids.js';
import { toJsonString } from '../json-safe.js';
import type { TraceExporter } from '../pipeline.js';
import { otlpEndpointFromEnv, otlpProtocolFromEnv, resolveOtlpConfig, type OtlpEndpointOptions } from './otlp-config.js';

export { otlpEndpointFromEnv, parseOtlpHeaders, resolveOtlpConfig, type OtlpEndpointOptions } from './otlp-config.js';

/** Attribute prefix that carries trace tags over OTLP. */
export const TRACE_TAG_ATTRIBUTE_PREFIX = 'mlflow.traceTag.';
/** OTel semantic-convention copies of the session and user (on the root span). */
export const SESSION_ID_ATTRIBUTE = 'session.id';
export const USER_ID_ATTRIBUTE = 'user.id';

export const DEFAULT_SERVICE_NAME = 'evalflow';
const INSTRUMENTATION_SCOPE: InstrumentationScope = { name: 'evalflow' };

export interface OtlpTraceExporterOptions extends OtlpEndpointOptions {
  /** `service.name` of the resource; `OTEL_SERVICE_NAME` (or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`), else "evalflow". */
  serviceName?: string;
  /**
   * The OpenTelemetry span exporter that does the sending; `OTLPTraceExporter` (http/json) from
   * `@opentelemetry/exporter-trace-otlp-http` built from endpoint/headers/timeout by default. Give, for example, the
   * protobuf `OTLPTraceExporter` of `@opentelemetry/exporter-trace-otlp-proto` to target an MLflow server.
   */
  spanExporter?: SpanExporter;
  /** Most spans in one request (traces are not split; a bigger trace goes alone). Default 512. */
  maxBatchSpans?: number;
  /** Most requests in flight at once. Default 4. */
  maxConcurrentRequests?: number;
  /** Most traces waiting to be sent; beyond it a trace is dropped (its export rejects). Default 2048. */
  maxQueuedTraces?: number;
}

interface Queued {
  spans: ReadableSpan[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

let protocolWarned = false;

export class OtlpTraceExporter implements TraceExporter {
  readonly name = 'otlp';
  /** The URL spans are sent to (undefined when a custom `spanExporter` was given without an endpoint). */
  readonly endpoint: string | undefined;
  readonly resource: Resource;
  private readonly delegate: SpanExporter;
  private readonly maxBatchSpans: number;
  private readonly maxConcurrentRequests: number;
  private readonly maxQueuedTraces: number;
  private queue: Queued[] = [];
  private scheduled = false;
  private active = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: OtlpTraceExporterOptions = {}) {
    this.maxBatchSpans = positiveInteger(options.maxBatchSpans, 512, 'maxBatchSpans');
    this.maxConcurrentRequests = positiveInteger(options.maxConcurrentRequests, 4, 'maxConcurrentRequests');
    this.maxQueuedTraces = positiveInteger(options.maxQueuedTraces, 2048, 'maxQueuedTraces');
    this.resource = buildResource(options.serviceName);
    if (options.spanExporter) {
      this.delegate = options.spanExporter;
      this.endpoint = options.endpoint;
    } else {
      const config = resolveOtlpConfig(options);
      this.endpoint = config.endpoint;
      warnAboutProtocol();
      this.delegate = new OTLPTraceExporter({
        url: config.endpoint,
        headers: config.headers,
        timeoutMillis: config.timeoutMillis,
        // Our own queue keeps to maxConcurrentRequests; the OTel exporter would fail the requests above its limit.
        concurrencyLimit: this.maxConcurrentRequests + 1,
      });
    }
  }

  export(trace: TraceRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The OTLP trace exporter was shut down; the trace was not sent'));
    let spans: ReadableSpan[];
    try {
      spans = traceToReadableSpans(trace, this.resource);
    } catch (error) {
      return Promise.reject(error);
    }
    if (spans.length === 0) return Promise.resolve();
    if (this.queue.length >= this.maxQueuedTraces) {
      return Promise.reject(new Error(`The OTLP export queue is full (${this.maxQueuedTraces} traces waiting); a trace was dropped`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ spans, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  /** Sends what is queued, then shuts the underlying exporter down. Later exports reject. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.drain();
    await this.idle();
    await this.delegate.shutdown();
  }

  private drain(): void {
    while (this.active < this.maxConcurrentRequests && this.queue.length > 0) {
      const batch: Queued[] = [];
      let size = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0] as Queued;
        if (batch.length > 0 && size + next.spans.length > this.maxBatchSpans) break;
        this.queue.shift();
        batch.push(next);
        size += next.spans.length;
      }
      this.active += 1;
      void this.send(batch).finally(() => {
        this.active -= 1;
        this.drain();
        if (this.active === 0 && this.queue.length === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }

  private idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async send(batch: Queued[]): Promise<void> {
    const spans = batch.flatMap((item) => item.spans);
    const result = await new Promise<ExportResult>((resolve) => {
      try {
        this.delegate.export(spans, resolve);
      } catch (error) {
        resolve({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
    if (result.code === ExportResultCode.SUCCESS) {
      for (const item of batch) item.resolve();
      return;
    }
    const error = new Error(`OTLP export${this.endpoint ? ` to ${this.endpoint}` : ''} failed: ${describeError(result.error)}`, { cause: result.error });
    for (const item of batch) item.reject(error);
  }
}

/**
 * The OTLP exporter the OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT variables ask for, or
 * undefined when neither is set (or the endpoint is not usable: that is logged, and tracing goes on without it).
 */
export function otlpExporterFromEnv(): OtlpTraceExporter | undefined {
  if (otlpEndpointFromEnv() === undefined) return undefined;
  try {
    return new OtlpTraceExporter();
  } catch (error) {
    logger.warn(`OTLP trace export is off: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Converts one finished trace into OpenTelemetry spans ready for any OTel `SpanExporter`. */
export function traceToReadableSpans(trace: TraceRecord, resource: Resource = buildResource(), now: () => bigint = nowNanos): ReadableSpan[] {
  const records = trace.data.spans;
  if (records.length === 0) return [];
  const root = findRoot(records);
  const fallbackEnd = root.endTimeUnixNano ?? now();
  const fallbackTraceId = otelTraceIdOf(trace.info.traceId) ?? hashTraceId(trace.info.traceId);
  return records.map((record) => {
    const attributes = toOtelAttributes(record.attributes, true);
    if (attributes[SpanAttributeKey.TRACE_ID] === undefined) attributes[SpanAttributeKey.TRACE_ID] = trace.info.traceId;
    if (record === root) Object.assign(attributes, rootAttributes(trace, attributes));
    const traceId = otelTraceIdOf(record.traceId) ?? fallbackTraceId;
    const end = maxBigint(record.endTimeUnixNano ?? fallbackEnd, record.startTimeUnixNano);
    const context: SpanContext = { traceId, spanId: record.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false };
    const events: TimedEvent[] = record.events.map((event) => ({
      name: event.name,
      time: nanosToHrTime(event.timeUnixNano),
      attributes: toOtelAttributes(event.attributes, false),
      droppedAttributesCount: 0,
    }));
    const span: ReadableSpan = {
      name: record.name,
      kind: SpanKind.INTERNAL,
      spanContext: () => context,
      ...(record.parentSpanId !== null && {
        parentSpanContext: {
          traceId,
          spanId: record.parentSpanId,
          traceFlags: TraceFlags.SAMPLED,
          // The root of this process's part of a distributed trace has a parent elsewhere.
          isRemote: record === root,
        },
      }),
      startTime: nanosToHrTime(record.startTimeUnixNano),
      endTime: nanosToHrTime(end),
      duration: nanosToHrTime(end - record.startTimeUnixNano),
      status: toOtelStatus(record.status),
      attributes,
      links: record.links.map((link) => ({
        context: { traceId: link.traceId, spanId: link.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true },
        attributes: toOtelAttributes(link.attributes, false),
        droppedAttributesCount: 0,
      })),
      events,
      ended: true,
      resource,
      instrumentationScope: INSTRUMENTATION_SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
    return span;
  });
}

/** The resource of exported spans: `service.name` = option, OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, or "evalflow". */
export function buildResource(serviceName?: string): Resource {
  let resource = defaultResource().merge(resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME }));
  try {
    resource = resource.merge(resourceFromAttributes(envDetector.detect().attributes ?? {}));
  } catch {
    // A malformed OTEL_RESOURCE_ATTRIBUTES is ignored, as the OTel SDK does.
  }
  if (serviceName) resource = resource.merge(resourceFromAttributes({ 'service.name': serviceName }));
  return resource;
}

/** A string attribute holding a JSON string (`"\"LLM\""`) becomes the plain string; anything else is kept. */
export function unwrapJsonString(value: string): string {
  if (!value.startsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

function toOtelAttributes(source: Record<string, unknown>, unwrap: boolean): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(source)) {
    const converted = toOtelValue(value, unwrap);
    if (converted !== undefined) attributes[key] = converted;
  }
  return attributes;
}

function toOtelValue(value: unknown, unwrap: boolean): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return unwrap ? unwrapJsonString(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && isHomogeneousPrimitiveArray(value)) return value as AttributeValue;
  return toJsonString(value);
}

function isHomogeneousPrimitiveArray(values: readonly unknown[]): boolean {
  let kind: string | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t = typeof v;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
    if (kind !== undefined && kind !== t) return false;
    kind = t;
  }
  return true;
}

function rootAttributes(trace: TraceRecord, existing: Attributes): Attributes {
  const extra: Attributes = {};
  for (const [key, value] of Object.entries(trace.info.tags)) extra[`${TRACE_TAG_ATTRIBUTE_PREFIX}${key}`] = value;
  const session = trace.info.traceMetadata[TraceMetadataKey.SESSION];
  const user = trace.info.traceMetadata[TraceMetadataKey.USER];
  if (session !== undefined) extra[SESSION_ID_ATTRIBUTE] = session;
  if (user !== undefined) extra[USER_ID_ATTRIBUTE] = user;
  if (trace.info.experimentId && existing[SpanAttributeKey.EXPERIMENT_ID] === undefined) {
    extra[SpanAttributeKey.EXPERIMENT_ID] = trace.info.experimentId;
  }
  return extra;
}

function findRoot(records: readonly SpanRecord[]): SpanRecord {
  const ids = new Set(records.map((r) => r.spanId));
  return (
    records.find((r) => r.parentSpanId === null) ??
    records.find((r) => r.parentSpanId !== null && !ids.has(r.parentSpanId)) ??
    (records[0] as SpanRecord)
  );
}

function toOtelStatus(status: { code: RecordStatusCode; message: string }): { code: SpanStatusCode; message?: string } {
  const code = status.code === 'STATUS_CODE_ERROR' ? SpanStatusCode.ERROR : status.code === 'STATUS_CODE_OK' ? SpanStatusCode.OK : SpanStatusCode.UNSET;
  return status.message ? { code, message: status.message } : { code };
}

/** A stable 32-hex OTel trace id for an MLflow trace id that does not hold one (say a V4 `trace:/…` id). */
function hashTraceId(traceId: string): string {
  return createHash('sha256').update(traceId).digest('hex').slice(0, 32);
}

function maxBigint(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function nowNanos(): bigint {
  const ms = performance.timeOrigin + performance.now();
  const seconds = Math.floor(ms / 1000);
  const hr: HrTime = [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
  return hrTimeToNanos(hr);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return error === undefined ? 'unknown error' : String(error);
  const code = (error as { code?: unknown }).code;
  const data = (error as { data?: unknown }).data;
  const status = typeof code === 'number' ? `HTTP ${code}${error.message ? ` ${error.message}` : ''}` : error.message || error.name;
  const body = typeof data === 'string' && data ? `: ${data.length > 200 ? `${data.slice(0, 200)}...` : data}` : '';
  return `${status}${body}`;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw EvalflowError.invalid(`OTLP trace exporter: ${name} must be a positive integer.`);
  return value;
}

function warnAboutProtocol(): void {
  const protocol = otlpProtocolFromEnv();
  if (protocol === undefined || protocol === 'http/json' || protocolWarned) return;
  protocolWarned = true;
  logger.warn(
    `OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL is '${protocol}', but evalflow's built-in OTLP exporter sends http/json; ` +
      'pass { spanExporter } (for example the protobuf OTLPTraceExporter) to use another protocol.',
  );
}
