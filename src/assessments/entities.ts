import { EvalflowError } from '../core/errors.js';
import type { AssessmentRecord, AssessmentSourceType } from '../store/assessment-entities.js';
import { AssessmentError } from './assessment-error.js';
import { AssessmentSource, type AssessmentSourceInit } from './source.js';

export type FeedbackPrimitive = number | string | boolean;
/** A feedback value: a number, string or boolean, or a list or string-keyed record of those. */
export type FeedbackValue = FeedbackPrimitive | FeedbackPrimitive[] | Record<string, FeedbackPrimitive>;

interface CommonInit {
  name?: string;
  source?: AssessmentSource | AssessmentSourceInit;
  traceId?: string | null;
  spanId?: string | null;
  metadata?: Record<string, unknown>;
  createTimeMs?: number;
  lastUpdateTimeMs?: number;
  assessmentId?: string | null;
}

export interface FeedbackInit extends CommonInit {
  value?: FeedbackValue | null;
  error?: AssessmentError | Error | { errorCode: string; errorMessage?: string | null; stackTrace?: string | null } | null;
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
      throw EvalflowError.invalid(`An assessment name must be a non-empty string (got ${JSON.stringify(name)}).`);
    }
    const now = Date.now();
    this.assessmentId = init.assessmentId ?? null;
    this.traceId = init.traceId ?? null;
    this.spanId = init.spanId ?? null;
    this.name = name;
    this.source = AssessmentSource.from(init.source, defaultSource);
    this.createTimeMs = init.createTimeMs ?? now;
    this.lastUpdateTimeMs = init.lastUpdateTimeMs ?? this.createTimeMs;
    this.metadata = normaliseMetadata(init.metadata);
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
    super(init, init.name ?? 'feedback', 'CODE');
    const hasValue = init.value !== undefined && init.value !== null;
    if (!hasValue && !init.error) {
      throw EvalflowError.invalid(`Either value or error must be provided for feedback "${this.name}".`);
    }
    this.value = hasValue ? checkFeedbackValue(init.value, this.name) : null;
    this.error = init.error ? (init.error instanceof AssessmentError ? init.error : init.error instanceof Error ? AssessmentError.fromError(init.error) : new AssessmentError(init.error)) : null;
    if (init.rationale !== undefined && init.rationale !== null && typeof init.rationale !== 'string') {
      throw EvalflowError.invalid(`The rationale of feedback "${this.name}" must be a string.`);
    }
    this.rationale = init.rationale ?? null;
    this.overrides = init.overrides ?? null;
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
    super(init, init?.name, 'HUMAN');
    if (init.value === undefined) throw EvalflowError.invalid(`Expectation "${this.name}" needs a value.`);
    try {
      JSON.stringify(init.value);
    } catch (error) {
      throw EvalflowError.invalid(`The value of expectation "${this.name}" is not JSON-serialisable: ${(error as Error).message}`);
    }
    this.value = init.value;
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
  if (json === null || typeof json !== 'object') throw EvalflowError.invalid('An assessment JSON must be an object.');
  const j = json as Record<string, unknown>;
  const source = j.source as { source_type?: string; source_id?: string } | undefined;
  const time = (value: unknown): number | undefined => (typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : undefined);
  const common = {
    ...(typeof j.assessment_id === 'string' && { assessmentId: j.assessment_id }),
    ...(typeof j.trace_id === 'string' && { traceId: j.trace_id }),
    ...(typeof j.span_id === 'string' && { spanId: j.span_id }),
    ...(source && { source: { sourceType: source.source_type ?? 'SOURCE_TYPE_UNSPECIFIED', ...(source.source_id !== undefined && { sourceId: source.source_id }) } }),
    ...(time(j.create_time) !== undefined && { createTimeMs: time(j.create_time) }),
    ...(time(j.last_update_time) !== undefined && { lastUpdateTimeMs: time(j.last_update_time) }),
    ...(j.metadata !== undefined && { metadata: j.metadata as Record<string, unknown> }),
  };
  const name = typeof j.assessment_name === 'string' ? j.assessment_name : undefined;
  if (j.feedback !== undefined) {
    const feedback = j.feedback as { value?: FeedbackValue; error?: { error_code: string; error_message?: string; stack_trace?: string } };
    return new Feedback({
      ...common,
      ...(name !== undefined && { name }),
      ...(feedback.value !== undefined && { value: feedback.value }),
      ...(feedback.error && {
        error: new AssessmentError({ errorCode: feedback.error.error_code, errorMessage: feedback.error.error_message ?? null, stackTrace: feedback.error.stack_trace ?? null }),
      }),
      ...(typeof j.rationale === 'string' && { rationale: j.rationale }),
      ...(typeof j.overrides === 'string' && { overrides: j.overrides }),
      valid: j.valid !== false,
    });
  }
  if (j.expectation !== undefined) {
    const expectation = j.expectation as { value?: unknown; serialized_value?: { serialization_format?: string; value?: string } };
    let value = expectation.value;
    if (expectation.serialized_value) {
      if (expectation.serialized_value.serialization_format !== 'JSON_FORMAT') {
        throw EvalflowError.invalid(`Unknown expectation serialization format: ${String(expectation.serialized_value.serialization_format)}.`);
      }
      value = JSON.parse(expectation.serialized_value.value ?? 'null');
    }
    return new Expectation({ ...common, name: name ?? 'expectation', value });
  }
  throw EvalflowError.invalid('Unknown assessment type: the JSON has neither "feedback" nor "expectation".');
}

function checkFeedbackValue(value: unknown, name: string): FeedbackValue {
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

function normaliseMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  if (metadata instanceof Map) {
    const record: Record<string, string> = {};
    for (const [key, value] of metadata) {
      if (typeof key !== 'string') throw EvalflowError.invalid(`Assessment metadata keys must be strings (got ${typeof key}).`);
      record[key] = String(value);
    }
    return record;
  }
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw EvalflowError.invalid('Assessment metadata must be an object of string keys and values.');
  }
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
