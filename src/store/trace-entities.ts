import type { AssessmentRecord } from './assessment-entities.js';

/**
 * Traces as the store keeps them, mirroring MLflow's `TraceInfo` (V3) and OTel-shaped spans. The tracing layer
 * builds these; `src/tracing` adds the behaviour (JSON wire form, span accessors) on top.
 */

export type TraceState = 'OK' | 'ERROR' | 'IN_PROGRESS' | 'STATE_UNSPECIFIED';
export const TRACE_STATES: readonly TraceState[] = ['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'];

export type SpanStatusCode = 'STATUS_CODE_UNSET' | 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR';

/** Mirrors MLflow's `TraceInfo` (V3), camelCase, with times in milliseconds. */
export interface TraceInfoRecord {
  /** `tr-` + 32 hex digits of the OTel trace id. */
  traceId: string;
  clientRequestId: string | null;
  experimentId: string;
  /** Start of the root span, ms since the epoch. */
  requestTime: number;
  /** Root span duration in ms; null while in progress. */
  executionDuration: number | null;
  state: TraceState;
  requestPreview: string | null;
  responsePreview: string | null;
  /** Write-once metadata (`mlflow.trace_schema.version`, `mlflow.trace.tokenUsage`, `mlflow.sourceRun` …). */
  traceMetadata: Record<string, string>;
  /** Mutable tags (`mlflow.traceName`, user tags). */
  tags: Record<string, string>;
  /**
   * Feedback and expectations on the trace, valid or overridden, by create time. A stored trace read back always
   * has the list; on a trace being logged it holds the assessments logged while the trace was open.
   */
  assessments?: AssessmentRecord[];
}

export interface SpanEventRecord {
  name: string;
  /** Nanoseconds since the epoch. */
  timeUnixNano: bigint;
  attributes: Record<string, unknown>;
}

export interface SpanLinkRecord {
  /** 32 hex digits (OTel trace id). */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  attributes: Record<string, unknown>;
}

/**
 * One span. Attribute values are kept as on the OTel span: MLflow's own attributes (`mlflow.spanInputs`,
 * `mlflow.spanType` …) as JSON strings, others as OTel primitives.
 */
export interface SpanRecord {
  /** The MLflow trace id (`tr-…`). */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  /** 16 hex digits, or null for the root span. */
  parentSpanId: string | null;
  name: string;
  /** Nanoseconds since the epoch. */
  startTimeUnixNano: bigint;
  /** Nanoseconds since the epoch; null for a span that had not ended when its trace was exported. */
  endTimeUnixNano: bigint | null;
  status: { code: SpanStatusCode; message: string };
  attributes: Record<string, unknown>;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
}

export interface TraceRecord {
  info: TraceInfoRecord;
  data: { spans: SpanRecord[] };
}

/** Span attribute keys MLflow reserves; values are JSON strings. */
export const SpanAttributeKey = {
  TRACE_ID: 'mlflow.traceRequestId',
  EXPERIMENT_ID: 'mlflow.experimentId',
  INPUTS: 'mlflow.spanInputs',
  OUTPUTS: 'mlflow.spanOutputs',
  SPAN_TYPE: 'mlflow.spanType',
  LOG_LEVEL: 'mlflow.spanLogLevel',
  FUNCTION_NAME: 'mlflow.spanFunctionName',
  CHAT_TOKEN_USAGE: 'mlflow.chat.tokenUsage',
  MESSAGE_FORMAT: 'mlflow.message.format',
  CHAT_TOOLS: 'mlflow.chat.tools',
  LLM_MODEL: 'mlflow.llm.model',
  LLM_PROVIDER: 'mlflow.llm.provider',
} as const;

/** Trace metadata keys (write-once). */
export const TraceMetadataKey = {
  SCHEMA_VERSION: 'mlflow.trace_schema.version',
  TOKEN_USAGE: 'mlflow.trace.tokenUsage',
  SOURCE_RUN: 'mlflow.sourceRun',
  SESSION: 'mlflow.trace.session',
  USER: 'mlflow.trace.user',
  SOURCE_NAME: 'mlflow.source.name',
  SOURCE_TYPE: 'mlflow.source.type',
  INPUTS: 'mlflow.traceInputs',
  OUTPUTS: 'mlflow.traceOutputs',
} as const;

/** Trace tag keys. */
export const TraceTagKey = {
  TRACE_NAME: 'mlflow.traceName',
  SPANS_LOCATION: 'mlflow.trace.spansLocation',
} as const;

export const TRACE_SCHEMA_VERSION = '3';
