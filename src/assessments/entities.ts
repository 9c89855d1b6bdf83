import { EvalflowError } from '../core/errors.js';
import type { AssessmentRecord, AssessmentSourceType } from '../store/assessment-entities.js';
import { AssessmentError, type AssessmentErrorInput } from './assessment-error.js';
import { AssessmentSource, type AssessmentSourceInit } from './source.js';

export type FeedbackPrimitive = number | string | boolean;
/** A feedback value: a number, string or boolean, or a list or string-keyed record of those. */
export type FeedbackValue = FeedbackPrimitive | FeedbackPrimitive[] | Record<string, FeedbackPrimitive>;

interface CommonInit {
  name?: string;
  source?: AssessmentSource | AssessmentSourceInit;
  traceId?: string | null;
  spanId?: string | null;
  /** String keys; values other than strings are stored as JSON text. A Map works too. */
  metadata?: Record<string, unknown> | Map<string, unknown>;
  createTimeMs?: number;
  lastUpdateTimeMs?: number;
  assessmentId?: string | null;
}

export interface FeedbackInit extends CommonInit {
  value?: FeedbackValue | null;
  /** An AssessmentError, an exception, its fields, or a message (code ASSESSMENT_ERROR). */
  error?: AssessmentErrorInput | null;
  rationale?: string | null;
  overrides?: string | null;
  valid?: boolean;
}

export interface ExpectationInit extends CommonInit {
  name: string;
  value: unknown;
}

/** What feedback and expectations share (mirrors MLflow's `Assessment`). */
export abstract class Assessment {
  readonly assessmentId: string | null;
  readonly traceId: string | null;
  readonly spanId: string | null;
  readonly name: string;
  readonly source: AssessmentSource;
  readonly createTimeMs: number;
  readonly lastUpdateTimeMs: number;
  readonly metadata: Record<string, string>;
  abstract readonly kind: 'feedback' | 'expectation';
  abstract readonly value: unknown;

  protected constructor(init: CommonInit, name: string, defaultSource: AssessmentSourceType) {
    if (typeof name !== 'string' || name.trim() === '') {
      throw EvalflowError.invalid(`An assessment name must be a non-empty string (got ${JSON.stringify(name) ?? String(name)}).`);
    }
    const now = Date.now();
    this.assessmentId = optionalString(init.assessmentId, 'assessmentId', name);
    this.traceId = optionalString(init.traceId, 'traceId', name);
    this.spanId = optionalString(init.spanId, 'spanId', name);
    this.name = name;
    this.source = AssessmentSource.from(init.source, defaultSource);
    this.createTimeMs = optionalTime(init.createTimeMs, 'createTimeMs', name) ?? now;
    this.lastUpdateTimeMs = optionalTime(init.lastUpdateTimeMs, 'lastUpdateTimeMs', name) ?? this.createTimeMs;
    this.metadata = normaliseMetadata(init.metadata);
  }

  /** The run that produced this assessment: `metadata["mlflow.assessment.sourceRunId"]`, not on the wire. */
  get runId(): string | null {
    return this.metadata[AssessmentMetadataKey.SOURCE_RUN_ID] ?? null;
  }

  abstract toRecord(): AssessmentRecord;

  /** MLflow's wire JSON: snake_case, RFC 3339 times, null fields left out. */
  toJSON(): Record<string, unknown> {
    const record = this.toRecord();
    return {
      ...(record.assessmentId && { assessment_id: record.assessmentId }),
      assessment_name: record.name,
      ...(record.traceId && { trace_id: record.traceId }),
      ...(record.spanId !== null && { span_id: record.spanId }),
      source: { source_type: record.source.sourceType, source_id: record.source.sourceId },
      create_time: new Date(record.createTimeMs).toISOString(),
      last_update_time: new Date(record.lastUpdateTimeMs).toISOString(),
      ...this.valueJSON(),
      ...(record.rationale !== null && { rationale: record.rationale }),
      ...(Object.keys(record.metadata).length > 0 && { metadata: record.metadata }),
      ...(record.overrides !== null && { overrides: record.overrides }),
      ...(record.kind === 'feedback' && { valid: record.valid }),
    };
  }

  protected abstract valueJSON(): Record<string, unknown>;
}

/** A verdict on a trace or span (mirrors MLflow's `Feedback`): a value or an error, with a rationale. */
export class Feedback extends Assessment {
  readonly kind = 'feedback' as const;
  readonly value: FeedbackValue | null;
  readonly error: AssessmentError | null;
  readonly rationale: string | null;
  readonly overrides: string | null;
  readonly valid: boolean;

  constructor(init: FeedbackInit = {}) {
    if (init === null || typeof init !== 'object') throw EvalflowError.invalid('new Feedback() takes an object: { name?, value?, error?, source?, rationale?, metadata? }.');
    super(init, init.name ?? 'feedback', 'CODE');
    const hasValue = init.value !== undefined && init.value !== null;
    const hasError = init.error !== undefined && init.error !== null;
    if (!hasValue && !hasError) {
      throw EvalflowError.invalid(`Either value or error must be provided. Feedback "${this.name}" has neither.`);
    }
    this.value = hasValue ? checkFeedbackValue(init.value, this.name) : null;
    this.error = hasError ? AssessmentError.from(init.error as AssessmentErrorInput) : null;
    this.rationale = optionalString(init.rationale, 'rationale', this.name);
    this.overrides = optionalString(init.overrides, 'overrides', this.name);
    if (init.valid !== undefined && typeof init.valid !== 'boolean') {
      throw EvalflowError.invalid(`The valid flag of feedback "${this.name}" must be a boolean.`);
    }
    this.valid = init.valid ?? true;
  }

  get errorCode(): string | null {
    return this.error?.errorCode ?? null;
  }

  get errorMessage(): string | null {
    return this.error?.errorMessage ?? null;
  }

  toRecord(): AssessmentRecord {
    return {
      assessmentId: this.assessmentId ?? '',
      traceId: this.traceId ?? '',
      spanId: this.spanId,
      name: this.name,
      source: { sourceType: this.source.sourceType, sourceId: this.source.sourceId },
      createTimeMs: this.createTimeMs,
      lastUpdateTimeMs: this.lastUpdateTimeMs,
      kind: 'feedback',
      value: this.value,
      error: this.error?.toRecord() ?? null,
      rationale: this.rationale,
      metadata: { ...this.metadata },
      overrides: this.overrides,
      valid: this.valid,
    };
  }

  protected valueJSON(): Record<string, unknown> {
    return { feedback: { ...(this.value !== null && { value: this.value }), ...(this.error && { error: this.error.toJSON() }) } };
  }
}

/** A ground-truth label on a trace (mirrors MLflow's `Expectation`): any JSON value. */
export class Expectation extends Assessment {
  readonly kind = 'expectation' as const;
  readonly value: unknown;

  constructor(init: ExpectationInit) {
    if (init === null || typeof init !== 'object') throw EvalflowError.invalid('new Expectation() takes an object: { name, value, source?, metadata? }.');
    super(init, init.name, 'HUMAN');
    this.value = checkExpectationValue(init.value, this.name);
  }

  toRecord(): AssessmentRecord {
    return {
      assessmentId: this.assessmentId ?? '',
      traceId: this.traceId ?? '',
      spanId: this.spanId,
      name: this.name,
      source: { sourceType: this.source.sourceType, sourceId: this.source.sourceId },
      createTimeMs: this.createTimeMs,
      lastUpdateTimeMs: this.lastUpdateTimeMs,
      kind: 'expectation',
      value: this.value,
      error: null,
      rationale: null,
      metadata: { ...this.metadata },
      overrides: null,
      valid: true,
    };
  }

  protected valueJSON(): Record<string, unknown> {
    const v = this.value;
    const primitive = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    return {
      expectation: primitive ? { value: v } : { serialized_value: { serialization_format: 'JSON_FORMAT', value: JSON.stringify(v) } },
    };
  }
}

/** The entity for a stored record. */
export function assessmentFromRecord(record: AssessmentRecord): Feedback | Expectation {
  const common = {
    assessmentId: record.assessmentId,
    traceId: record.traceId,
    spanId: record.spanId,
    name: record.name,
    source: new AssessmentSource(record.source),
    createTimeMs: record.createTimeMs,
    lastUpdateTimeMs: record.lastUpdateTimeMs,
    metadata: record.metadata,
  };
  if (record.kind === 'expectation') return new Expectation({ ...common, value: record.value });
  return new Feedback({
    ...common,
    value: record.value as FeedbackValue | null,
    error: record.error ? new AssessmentError(record.error) : null,
    rationale: record.rationale,
    overrides: record.overrides,
    valid: record.valid,
  });
}

/** Reads MLflow's wire JSON (the shape `toJSON` writes, as the REST API returns it). */
export function assessmentFromJSON(json: unknown): Feedback | Expectation {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw EvalflowError.invalid('An assessment JSON must be an object.');
  const j = json as Record<string, unknown>;
  const source = j.source as { source_type?: string; source_id?: string } | undefined;
  const createTimeMs = wireTime(j.create_time, 'create_time');
  const lastUpdateTimeMs = wireTime(j.last_update_time, 'last_update_time');
  const common = {
    ...(typeof j.assessment_id === 'string' && { assessmentId: j.assessment_id }),
    ...(typeof j.trace_id === 'string' && { traceId: j.trace_id }),
    ...(typeof j.span_id === 'string' && j.span_id !== '' && { spanId: j.span_id }),
    ...(source && { source: { sourceType: source.source_type ?? 'SOURCE_TYPE_UNSPECIFIED', ...(source.source_id !== undefined && { sourceId: source.source_id }) } }),
    ...(createTimeMs !== undefined && { createTimeMs }),
    ...(lastUpdateTimeMs !== undefined && { lastUpdateTimeMs }),
    ...(j.metadata !== undefined && j.metadata !== null && { metadata: j.metadata as Record<string, unknown> }),
  };
  const name = typeof j.assessment_name === 'string' ? j.assessment_name : undefined;
  const hasFeedback = j.feedback !== undefined && j.feedback !== null;
  const hasExpectation = j.expectation !== undefined && j.expectation !== null;
  if (hasFeedback && hasExpectation) throw EvalflowError.invalid('Exactly one of expectation or feedback should be specified.');
  // The deprecated top-level `error` is copied into feedback.error.
  const topLevelError = j.error !== undefined && j.error !== null ? wireError(j.error) : undefined;
  if (hasFeedback) {
    const feedback = j.feedback as { value?: FeedbackValue; error?: unknown };
    const error = feedback.error !== undefined && feedback.error !== null ? wireError(feedback.error) : topLevelError;
    return new Feedback({
      ...common,
      ...(name !== undefined && { name }),
      ...(feedback.value !== undefined && { value: feedback.value }),
      ...(error && { error }),
      ...(typeof j.rationale === 'string' && { rationale: j.rationale }),
      ...(typeof j.overrides === 'string' && j.overrides !== '' && { overrides: j.overrides }),
      valid: j.valid !== false,
    });
  }
  if (hasExpectation) {
    if (topLevelError) throw EvalflowError.invalid('An expectation cannot have an error.');
    const expectation = j.expectation as { value?: unknown; serialized_value?: { serialization_format?: string; value?: string } };
    let value = expectation.value;
    if (expectation.serialized_value) {
      if (expectation.serialized_value.serialization_format !== 'JSON_FORMAT') {
        throw EvalflowError.invalid(`Unknown expectation serialization format: ${String(expectation.serialized_value.serialization_format)}.`);
      }
      try {
        value = JSON.parse(expectation.serialized_value.value ?? 'null');
      } catch (error) {
        throw EvalflowError.invalid(`The serialized value of expectation "${name ?? ''}" is not valid JSON: ${(error as Error).message}`);
      }
    }
    return new Expectation({ ...common, name: name ?? 'expectation', value });
  }
  throw EvalflowError.invalid('Unknown assessment type: the JSON has neither "feedback" nor "expectation".');
}

function wireTime(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(ms)) throw EvalflowError.invalid(`Invalid assessment ${field} ${JSON.stringify(value)}: expected an RFC 3339 time.`);
  return ms;
}

function wireError(value: unknown): AssessmentError {
  if (value === null || typeof value !== 'object') throw EvalflowError.invalid('An assessment error must be an object with error_code.');
  const e = value as { error_code?: unknown; error_message?: unknown; stack_trace?: unknown };
  return new AssessmentError({
    errorCode: e.error_code as string,
    errorMessage: (e.error_message as string | undefined) ?? null,
    stackTrace: (e.stack_trace as string | undefined) ?? null,
  });
}

/** Metadata keys MLflow uses on assessments. */
export const AssessmentMetadataKey = {
  SOURCE_RUN_ID: 'mlflow.assessment.sourceRunId',
  SCORER_TRACE_ID: 'mlflow.assessment.scorerTraceId',
  JUDGE_COST: 'mlflow.assessment.judgeCost',
} as const;

function optionalString(value: unknown, field: string, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw EvalflowError.invalid(`The ${field} of assessment "${name}" must be a string (got ${typeof value}).`);
  return value;
}

function optionalTime(value: unknown, field: string, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw EvalflowError.invalid(`The ${field} of assessment "${name}" must be ms since the epoch (got ${String(value)}).`);
  }
  return value;
}

/** An expectation value: any JSON value but null, copied through JSON (what is stored is what the entity holds). */
export function checkExpectationValue(value: unknown, name: string): unknown {
  if (value === undefined || value === null) throw EvalflowError.invalid(`The value field must be specified for expectation "${name}".`);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw EvalflowError.invalid(`The value of expectation "${name}" is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw EvalflowError.invalid(`The value of expectation "${name}" is not JSON-serialisable (got ${typeof value}).`);
  return JSON.parse(text) as unknown;
}

/** A feedback value, or INVALID_PARAMETER_VALUE naming what is wrong. */
export function checkFeedbackValue(value: unknown, name: string): FeedbackValue {
  const isPrimitive = (v: unknown): v is FeedbackPrimitive =>
    typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (isPrimitive(value)) return value;
  if (Array.isArray(value) && value.every(isPrimitive)) return [...value];
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(isPrimitive)) {
    return { ...(value as Record<string, FeedbackPrimitive>) };
  }
  throw EvalflowError.invalid(
    `Unsupported value for feedback "${name}": use a number, string or boolean, or a list or string-keyed record of those ` +
      `(got ${Array.isArray(value) ? 'a list with other values' : typeof value === 'number' ? String(value) : typeof value}).`,
  );
}

/**
 * Metadata as a string map: a plain object or a Map with string keys; string values kept, others as JSON text
 * (`true`, `0.8`, `{"a":1}`), undefined values left out.
 */
export function normaliseMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  const entries: [unknown, unknown][] = [];
  if (metadata instanceof Map) entries.push(...metadata.entries());
  else if (typeof metadata === 'object' && !Array.isArray(metadata)) entries.push(...Object.entries(metadata));
  else throw EvalflowError.invalid('Assessment metadata must be an object of string keys and values.');
  const record: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof key !== 'string') {
      throw EvalflowError.invalid(`Assessment metadata keys must be strings (got the ${typeof key} key ${String(key)}).`);
    }
    if (value === undefined) continue;
    record[key] = metadataText(value);
  }
  return record;
}

function metadataText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {
    // bigint, cycles: fall back to String
  }
  return String(value);
}
