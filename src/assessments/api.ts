import { randomUUID } from 'node:crypto';
import { ErrorCode, EvalflowError, isEvalflowError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { AssessmentRecord, NewAssessment } from '../store/assessment-entities.js';
import type { AssessmentUpdate } from '../store/tracking-store.js';
import { getStore } from '../tracking/client.js';
import { otelTraceIdOf } from '../tracing/ids.js';
import { pipeline } from '../tracing/pipeline.js';
import type { PendingTrace } from '../tracing/trace-buffer.js';
import type { Trace } from '../tracing/trace-entity.js';
import { AssessmentError, type AssessmentErrorInput } from './assessment-error.js';
import { assessmentFromRecord, Expectation, Feedback, normaliseMetadata, type FeedbackValue } from './entities.js';
import { AssessmentSource, type AssessmentSourceInit } from './source.js';

export type AssessmentSourceLike = AssessmentSource | AssessmentSourceInit;
export type AssessmentMetadata = Record<string, unknown> | Map<string, unknown>;

export interface LogFeedbackOptions {
  /** The trace to assess; null, undefined or '' (a no-op trace, tracing disabled) logs nothing. */
  traceId: string | null | undefined;
  /** Default "feedback". */
  name?: string;
  value?: FeedbackValue | null;
  /** Default `{ sourceType: "CODE" }`. */
  source?: AssessmentSourceLike;
  /** Why there is no value: an AssessmentError, an exception, its fields, or a message. */
  error?: AssessmentErrorInput | null;
  rationale?: string | null;
  metadata?: AssessmentMetadata;
  /** Attach the feedback to one span of the trace. */
  spanId?: string | null;
}

export interface LogExpectationOptions {
  traceId: string | null | undefined;
  name: string;
  /** Any JSON value. */
  value: unknown;
  /** Default `{ sourceType: "HUMAN" }`. */
  source?: AssessmentSourceLike;
  metadata?: AssessmentMetadata;
  spanId?: string | null;
}

/** What updateAssessment may change (source, span, times, overrides and valid cannot change). */
export interface AssessmentChangesInput {
  name?: string;
  /** Feedback only. */
  rationale?: string | null;
  /** Merged into the stored metadata; incoming keys win. */
  metadata?: AssessmentMetadata;
  /** A feedback value (replaced together with the error) or an expectation value. */
  value?: unknown;
  /** Feedback only; replaced together with the value. */
  error?: AssessmentErrorInput | null;
}

export interface OverrideFeedbackOptions {
  traceId: string;
  /** The feedback to override. */
  assessmentId: string;
  value: FeedbackValue;
  rationale?: string | null;
  /** Default `{ sourceType: "CODE" }`. */
  source?: AssessmentSourceLike;
  metadata?: AssessmentMetadata;
}

/** One evaluation-dataset row built from a trace. */
export interface TraceDatasetRow {
  /** The root span's inputs. */
  inputs: unknown;
  /** The root span's outputs. */
  outputs: unknown;
  /** The trace's valid expectations by name (the newest of a name wins). */
  expectations: Record<string, unknown>;
}

const FEEDBACK_OPTIONS = ['traceId', 'name', 'value', 'source', 'error', 'rationale', 'metadata', 'spanId'];
const EXPECTATION_OPTIONS = ['traceId', 'name', 'value', 'source', 'metadata', 'spanId'];
const OVERRIDE_OPTIONS = ['traceId', 'assessmentId', 'value', 'rationale', 'source', 'metadata'];
const CHANGE_FIELDS = ['name', 'rationale', 'metadata', 'value', 'error'];

/**
 * Logs a feedback or an expectation on a trace (MLflow's `log_assessment`) and returns it as stored, with its id
 * and times. On a trace that is still open (logged inside the traced function) it is kept with the trace and
 * written with it when the trace ends. A null, undefined or empty trace id (a no-op span's, when tracing is
 * disabled) returns the assessment unchanged.
 */
export async function logAssessment<T extends Feedback | Expectation>(traceId: string | null | undefined, assessment: T): Promise<T> {
  if (!(assessment instanceof Feedback) && !(assessment instanceof Expectation)) {
    throw EvalflowError.invalid('logAssessment takes a Feedback or an Expectation, e.g. new Feedback({ name, value }).');
  }
  if (traceId === undefined || traceId === null || traceId === '') {
    logger.debug(`No trace id: assessment "${assessment.name}" is not logged.`);
    return assessment;
  }
  requireId('traceId', traceId);
  const record = assessment.toRecord();
  const input: NewAssessment = {
    traceId,
    spanId: record.spanId,
    name: record.name,
    source: record.source,
    createTimeMs: record.createTimeMs,
    kind: record.kind,
    value: record.value,
    error: record.error,
    rationale: record.rationale,
    metadata: record.metadata,
    overrides: record.overrides,
  };
  const pending = openTrace(traceId);
  if (pending) return assessmentFromRecord(appendToOpenTrace(pending, input)) as T;
  const stored = await afterExports(() => getStore().createAssessment(input));
  return assessmentFromRecord(stored) as T;
}

/** Logs a feedback (MLflow's `log_feedback`): a value or an error, with a rationale; source CODE by default. */
export async function logFeedback(options: LogFeedbackOptions): Promise<Feedback> {
  checkOptions('logFeedback', options, FEEDBACK_OPTIONS);
  const { traceId, ...init } = options;
  return logAssessment(traceId, new Feedback({ ...init, traceId: traceId ?? null }));
}

/** Logs an expectation (MLflow's `log_expectation`): a ground-truth value; source HUMAN by default. */
export async function logExpectation(options: LogExpectationOptions): Promise<Expectation> {
  checkOptions('logExpectation', options, EXPECTATION_OPTIONS);
  const { traceId, ...init } = options;
  return logAssessment(traceId, new Expectation({ ...init, traceId: traceId ?? null }));
}

/** A stored assessment; RESOURCE_DOES_NOT_EXIST when the trace has no assessment with that id. */
export async function getAssessment(traceId: string, assessmentId: string): Promise<Feedback | Expectation> {
  requireId('traceId', traceId);
  requireId('assessmentId', assessmentId);
  return assessmentFromRecord(await afterExports(() => getStore().getAssessment(traceId, assessmentId)));
}

/**
 * Edits a stored assessment in place (MLflow's `update_assessment`): its name, rationale, metadata (merged), and
 * the feedback value and error (replaced together) or the expectation value. Pass the fields to change, or a
 * Feedback / Expectation entity (as MLflow does: its name, value, rationale and metadata are applied). Returns the
 * updated assessment.
 */
export async function updateAssessment(
  traceId: string,
  assessmentId: string,
  changes: AssessmentChangesInput | Feedback | Expectation,
): Promise<Feedback | Expectation> {
  requireId('traceId', traceId);
  requireId('assessmentId', assessmentId);
  const update = toUpdate(changes);
  return assessmentFromRecord(await afterExports(() => getStore().updateAssessment(traceId, assessmentId, update)));
}

/**
 * Replaces a feedback with a corrected one (MLflow's `override_feedback`), e.g. a human correcting an LLM judge.
 * The new feedback has the old one's name and span, `overrides` = the old id, and is valid; the old one is kept
 * (for judge alignment) but marked invalid. Source CODE by default. Returns the new feedback.
 */
export async function overrideFeedback(options: OverrideFeedbackOptions): Promise<Feedback> {
  checkOptions('overrideFeedback', options, OVERRIDE_OPTIONS);
  const { traceId, assessmentId, value, rationale, source, metadata } = options;
  requireId('traceId', traceId);
  requireId('assessmentId', assessmentId);
  const fields = { value, rationale, source: source ?? { sourceType: 'CODE' }, metadata };
  // Checked before anything is read or written.
  new Feedback({ ...fields, name: 'override' });
  const original = await getAssessment(traceId, assessmentId);
  if (!(original instanceof Feedback)) {
    throw EvalflowError.invalid(`The assessment with ID ${assessmentId} is not a feedback assessment.`, { traceId, assessmentId });
  }
  const replacement = new Feedback({ ...fields, name: original.name, spanId: original.spanId, traceId }).toRecord();
  const stored = await getStore().overrideFeedback(traceId, assessmentId, {
    traceId,
    spanId: replacement.spanId,
    name: replacement.name,
    source: replacement.source,
    createTimeMs: replacement.createTimeMs,
    kind: 'feedback',
    value: replacement.value,
    error: null,
    rationale: replacement.rationale,
    metadata: replacement.metadata,
  });
  return assessmentFromRecord(stored) as Feedback;
}

/**
 * Deletes an assessment (MLflow's `delete_assessment`); a missing one is a no-op. Deleting an override makes the
 * feedback it replaced valid again.
 */
export async function deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
  requireId('traceId', traceId);
  requireId('assessmentId', assessmentId);
  // A trace that just ended may still be on its way to the store.
  await pipeline.flush();
  await getStore().deleteAssessment(traceId, assessmentId);
}

/**
 * Evaluation rows from traces: each trace's root-span inputs and outputs, and its valid expectations by name (the
 * newest of a name wins), ready for `evaluate(…, rows, { scorers })`.
 */
export function tracesToDataset(traces: readonly Trace[]): TraceDatasetRow[] {
  if (!Array.isArray(traces)) throw EvalflowError.invalid('tracesToDataset takes a list of traces (from searchTraces or getTrace).');
  return traces.map((trace, index) => {
    if (trace === null || typeof trace !== 'object' || !('info' in trace) || !('data' in trace)) {
      throw EvalflowError.invalid(`tracesToDataset: item ${index} is not a trace.`);
    }
    const root = trace.rootSpan;
    const expectations: Record<string, unknown> = {};
    const byCreateTime = [...(trace.info.assessments ?? [])].sort((a, b) => a.createTimeMs - b.createTimeMs);
    for (const assessment of byCreateTime) {
      if (assessment.kind === 'expectation' && assessment.valid) expectations[assessment.name] = assessment.value;
    }
    return { inputs: root?.inputs ?? null, outputs: root?.outputs ?? null, expectations };
  });
}

// ---- helpers -------------------------------------------------------------------------------------------------

/** The open trace with this id, if its root span has not ended yet. */
function openTrace(traceId: string): PendingTrace | undefined {
  const otelTraceId = otelTraceIdOf(traceId);
  if (otelTraceId === undefined) return undefined;
  const pending = pipeline.buffer.get(otelTraceId);
  return pending && pending.info.traceId === traceId ? pending : undefined;
}

/** Keeps the assessment with the open trace (written with it); an override marks the replaced one invalid there. */
function appendToOpenTrace(pending: PendingTrace, input: NewAssessment): AssessmentRecord {
  const list = (pending.info.assessments ??= []);
  if (input.overrides) {
    const original = list.find((a) => a.assessmentId === input.overrides);
    if (!original) {
      throw EvalflowError.notFound(`Assessment with ID '${input.overrides}' not found for trace '${input.traceId}'`, {
        traceId: input.traceId,
        assessmentId: input.overrides,
      });
    }
    if (original.kind !== 'feedback') {
      throw EvalflowError.invalid(`The assessment with ID ${input.overrides} is not a feedback assessment.`);
    }
    original.valid = false;
  }
  const createTimeMs = input.createTimeMs ?? Date.now();
  const record: AssessmentRecord = {
    ...input,
    assessmentId: `a-${randomUUID().replaceAll('-', '')}`,
    createTimeMs,
    lastUpdateTimeMs: createTimeMs,
    overrides: input.overrides ?? null,
    valid: true,
  };
  list.push(record);
  return record;
}

/**
 * Runs a store call; if the trace or assessment is not found, waits for the traces still being exported (a trace
 * whose function just returned is written in the background) and tries once more.
 */
async function afterExports<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isEvalflowError(error, ErrorCode.RESOURCE_DOES_NOT_EXIST)) throw error;
    await pipeline.flush();
    return call();
  }
}

function toUpdate(changes: AssessmentChangesInput | Feedback | Expectation): AssessmentUpdate {
  if (changes instanceof Feedback) {
    return {
      kind: 'feedback',
      name: changes.name,
      value: changes.value,
      error: changes.error?.toRecord() ?? null,
      ...(changes.rationale !== null && { rationale: changes.rationale }),
      ...(Object.keys(changes.metadata).length > 0 && { metadata: changes.metadata }),
    };
  }
  if (changes instanceof Expectation) {
    return {
      kind: 'expectation',
      name: changes.name,
      value: changes.value,
      ...(Object.keys(changes.metadata).length > 0 && { metadata: changes.metadata }),
    };
  }
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    throw EvalflowError.invalid('updateAssessment takes the fields to change ({ name?, rationale?, metadata?, value?, error? }) or an entity.');
  }
  checkOptions('updateAssessment', changes, CHANGE_FIELDS, 'field');
  const update: AssessmentUpdate = {};
  if (changes.name !== undefined) {
    if (typeof changes.name !== 'string' || changes.name.trim() === '') {
      throw EvalflowError.invalid(`An assessment name must be a non-empty string (got ${JSON.stringify(changes.name) ?? String(changes.name)}).`);
    }
    update.name = changes.name;
  }
  if (changes.rationale !== undefined) {
    if (changes.rationale !== null && typeof changes.rationale !== 'string') {
      throw EvalflowError.invalid(`The rationale must be a string (got ${typeof changes.rationale}).`);
    }
    update.rationale = changes.rationale;
  }
  if (changes.metadata !== undefined) update.metadata = normaliseMetadata(changes.metadata);
  if (changes.value !== undefined) update.value = changes.value;
  if (changes.error !== undefined) update.error = changes.error === null ? null : AssessmentError.from(changes.error).toRecord();
  return update;
}

function requireId(what: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw EvalflowError.invalid(`${what} must be a non-empty string (got ${JSON.stringify(value) ?? String(value)}).`);
  }
}

function checkOptions(fn: string, options: unknown, allowed: readonly string[], noun = 'option'): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw EvalflowError.invalid(`${fn} takes an object of options: { ${allowed.join(', ')} }.`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw EvalflowError.invalid(`${fn}: unknown ${noun} "${key}". Expected one of: ${allowed.join(', ')}.`, { [noun]: key });
    }
  }
}
