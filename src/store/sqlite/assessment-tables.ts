import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ErrorCode, EvalflowError } from '../../core/errors.js';
import { nowMs } from '../../core/clock.js';
import {
  ASSESSMENT_SOURCE_TYPES,
  type AssessmentErrorRecord,
  type AssessmentRecord,
  type AssessmentSourceType,
  type NewAssessment,
} from '../assessment-entities.js';
import type { FilterClause } from '../search/filter-parser.js';
import { compareColumn, type CompiledClause, type TraceClauseCompiler } from '../search/trace-query.js';
import type { TraceRecord } from '../trace-entities.js';
import type { AssessmentUpdate } from '../tracking-store.js';
import { traceTablesFor } from './trace-tables.js';

type AssessmentKind = AssessmentRecord['kind'];

interface AssessmentRow {
  assessment_id: string;
  trace_key: number;
  trace_id: string;
  span_id: string | null;
  name: string;
  kind: AssessmentKind;
  source_type: AssessmentSourceType;
  source_id: string;
  create_time: number;
  last_update_time: number;
  value: string | null;
  error: string | null;
  rationale: string | null;
  metadata: string;
  overrides: string | null;
  valid: number;
}

/** The stored JSON of an assessment error (MLflow's field names). */
interface ErrorContent {
  error_code: string;
  error_message?: string | null;
  stack_trace?: string | null;
}

const IN_JSON = 'IN (SELECT value FROM json_each(?))';
const COLUMNS = `a.assessment_id, a.trace_key, t.trace_id, a.span_id, a.name, a.kind, a.source_type, a.source_id, a.create_time,
  a.last_update_time, a.value, a.error, a.rationale, a.metadata, a.overrides, a.valid`;

function prepareStatements(db: Database.Database) {
  return {
    traceKey: db.prepare<[string]>('SELECT trace_key FROM traces WHERE trace_id = ?').pluck(),
    insert: db.prepare(
      `INSERT INTO assessments (assessment_id, trace_key, span_id, name, kind, source_type, source_id, create_time,
                                last_update_time, value, value_text, error, rationale, metadata, overrides, valid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // A trace logged again (a re-export, the other half of a distributed trace) keeps the assessments already stored.
    insertIfNew: db.prepare(
      `INSERT INTO assessments (assessment_id, trace_key, span_id, name, kind, source_type, source_id, create_time,
                                last_update_time, value, value_text, error, rationale, metadata, overrides, valid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (assessment_id) DO NOTHING`,
    ),
    select: db.prepare<[string, string]>(
      `SELECT ${COLUMNS} FROM assessments a JOIN traces t ON t.trace_key = a.trace_key
       WHERE a.assessment_id = ? AND t.trace_id = ?`,
    ),
    selectForTraces: db.prepare<[string]>(
      `SELECT ${COLUMNS} FROM assessments a JOIN traces t ON t.trace_key = a.trace_key
       WHERE t.trace_id ${IN_JSON} ORDER BY a.trace_key, a.create_time, a.rowid`,
    ),
    update: db.prepare(
      `UPDATE assessments SET name = ?, last_update_time = ?, value = ?, value_text = ?, error = ?, rationale = ?, metadata = ?
       WHERE assessment_id = ?`,
    ),
    setValid: db.prepare<[number, string]>('UPDATE assessments SET valid = ? WHERE assessment_id = ?'),
    // After an override is deleted, the feedback it replaced is valid again unless another override still replaces it.
    restore: db.prepare<[string, number, string, string]>(
      `UPDATE assessments SET valid = 1 WHERE assessment_id = ?
         AND NOT EXISTS (SELECT 1 FROM assessments o WHERE o.trace_key = ? AND o.overrides = ? AND o.assessment_id != ?)`,
    ),
    delete: db.prepare<[string]>('DELETE FROM assessments WHERE assessment_id = ?'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

const byConnection = new WeakMap<Database.Database, SqliteAssessmentTables>();

/**
 * The assessment tables of a store connection (statements prepared on first use, then reused). The first call
 * registers the `feedback` / `expectation` trace filters on the connection's trace tables.
 */
export function assessmentTablesFor(db: Database.Database): SqliteAssessmentTables {
  let tables = byConnection.get(db);
  if (tables === undefined) {
    tables = new SqliteAssessmentTables(db);
    byConnection.set(db, tables);
  }
  return tables;
}

/** `a-` + 32 hex digits. */
export function newAssessmentId(): string {
  return `a-${randomUUID().replaceAll('-', '')}`;
}

/**
 * Assessments in SQLite (schema: migration 3). Synchronous, as better-sqlite3 is; every public method is one
 * transaction (a savepoint when called inside another). `SqliteTrackingStore` exposes them through the async
 * `TrackingStore` interface.
 */
export class SqliteAssessmentTables {
  private readonly statements: Statements;

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
    const traceTables = traceTablesFor(db);
    traceTables.setEntityCompiler('feedback', assessmentFilter('feedback'));
    traceTables.setEntityCompiler('expectation', assessmentFilter('expectation'));
  }

  /** Stores a new assessment (id and times assigned). With `overrides`, the feedback it replaces becomes invalid. */
  create(input: NewAssessment): AssessmentRecord {
    const time = nowMs();
    const record = validateNew(input, time);
    return this.write(() => {
      const traceKey = this.requireTrace(record.traceId);
      if (record.overrides !== null) this.invalidate(traceKey, record.traceId, record.overrides);
      this.insert(this.statements.insert, traceKey, record);
      return record;
    });
  }

  /**
   * Stores many new assessments in one transaction (all or none), as `create` does each; returned in input order.
   * Trace keys are looked up once per trace.
   */
  createMany(inputs: readonly NewAssessment[]): AssessmentRecord[] {
    if (!Array.isArray(inputs)) throw EvalflowError.invalid('createAssessments needs an array of assessments.');
    if (inputs.length === 0) return [];
    const time = nowMs();
    const records = inputs.map((input) => validateNew(input, time));
    return this.write(() => {
      const keys = new Map<string, number>();
      for (const record of records) {
        let traceKey = keys.get(record.traceId);
        if (traceKey === undefined) {
          traceKey = this.requireTrace(record.traceId);
          keys.set(record.traceId, traceKey);
        }
        if (record.overrides !== null) this.invalidate(traceKey, record.traceId, record.overrides);
        this.insert(this.statements.insert, traceKey, record);
      }
      return records;
    });
  }

  get(traceId: string, assessmentId: string): AssessmentRecord {
    const row = this.statements.select.get(assessmentId, traceId) as AssessmentRow | undefined;
    if (row === undefined) throw notFound(traceId, assessmentId);
    return toRecord(row);
  }

  /**
   * Edits an assessment in place (MLflow's update rules): name, rationale (feedback only), metadata merged, the
   * feedback value and error replaced together, the expectation value. The source, span, create time, overrides
   * and valid flag do not change; the last update time becomes now.
   */
  update(traceId: string, assessmentId: string, changes: AssessmentUpdate): AssessmentRecord {
    if (changes === null || typeof changes !== 'object') throw EvalflowError.invalid('updateAssessment needs an object of changes.');
    return this.write(() => {
      const current = this.get(traceId, assessmentId);
      const next = applyChanges(current, changes, nowMs());
      const value = encodeValue(next.value);
      this.statements.update.run(
        next.name,
        next.lastUpdateTimeMs,
        value.json,
        value.text,
        encodeError(next.error),
        next.rationale,
        JSON.stringify(next.metadata),
        assessmentId,
      );
      return next;
    });
  }

  /**
   * Stores `replacement` as a new feedback that overrides `assessmentId` (which becomes invalid, otherwise
   * untouched). The replacement is stored as given (the caller copies the old name and span).
   */
  override(traceId: string, assessmentId: string, replacement: NewAssessment): AssessmentRecord {
    if (replacement === null || typeof replacement !== 'object') throw EvalflowError.invalid('overrideFeedback needs the new feedback.');
    if (replacement.kind !== 'feedback') {
      throw EvalflowError.invalid(`An override must be a feedback (got a ${String(replacement.kind)}).`, { traceId, assessmentId });
    }
    const replacementTrace = replacement.traceId === '' || replacement.traceId === undefined ? traceId : replacement.traceId;
    if (replacementTrace !== traceId) {
      throw EvalflowError.invalid(`The override is for trace '${replacementTrace}', not for trace '${traceId}' of assessment ${assessmentId}.`, {
        traceId,
        assessmentId,
      });
    }
    return this.create({ ...replacement, traceId, overrides: assessmentId });
  }

  /** Hard delete; a missing assessment is a no-op. The feedback the deleted one overrode is valid again. */
  delete(traceId: string, assessmentId: string): void {
    this.write(() => {
      const row = this.statements.select.get(assessmentId, traceId) as AssessmentRow | undefined;
      if (row === undefined) return;
      this.statements.delete.run(assessmentId);
      if (row.overrides !== null) this.statements.restore.run(row.overrides, row.trace_key, row.overrides, assessmentId);
    });
  }

  /**
   * Writes the assessments that came with traces just written (logged while the traces were open). Call inside
   * the transaction that wrote the traces. Assessments already stored (same id) are kept as they are.
   */
  writeWithTraces(traces: readonly TraceRecord[]): void {
    try {
      for (const trace of traces) {
        const assessments = trace.info.assessments;
        if (assessments === undefined || assessments === null) continue;
        if (!Array.isArray(assessments)) throw EvalflowError.invalid(`Trace ${trace.info.traceId}: info.assessments must be an array.`);
        if (assessments.length === 0) continue;
        const traceKey = this.requireTrace(trace.info.traceId);
        for (const assessment of assessments) {
          const record = validateStored(assessment, trace.info.traceId);
          this.insert(this.statements.insertIfNew, traceKey, record);
        }
      }
    } catch (error) {
      throw asInvalidInput(error);
    }
  }

  /** Every assessment of these traces (valid or not), by trace id, in create order. */
  loadForTraces(traceIds: readonly string[]): Map<string, AssessmentRecord[]> {
    const byTrace = new Map<string, AssessmentRecord[]>();
    if (traceIds.length === 0) return byTrace;
    for (const row of this.statements.selectForTraces.all(JSON.stringify(traceIds)) as AssessmentRow[]) {
      let list = byTrace.get(row.trace_id);
      if (list === undefined) {
        list = [];
        byTrace.set(row.trace_id, list);
      }
      list.push(toRecord(row));
    }
    return byTrace;
  }

  /** Sets `info.assessments` on trace records read from the store (an empty list for a trace without any). */
  attach(traces: readonly TraceRecord[]): void {
    const byTrace = this.loadForTraces(traces.map((trace) => trace.info.traceId));
    for (const trace of traces) trace.info.assessments = byTrace.get(trace.info.traceId) ?? [];
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  /** One IMMEDIATE transaction (a savepoint inside another); SQLite's refusals of bad input become INVALID_PARAMETER_VALUE. */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw asInvalidInput(error);
    }
  }

  private requireTrace(traceId: string): number {
    const key = this.statements.traceKey.get(traceId) as number | undefined;
    if (key === undefined) throw EvalflowError.notFound(`Trace with ID '${traceId}' not found.`, { traceId });
    return key;
  }

  /** The feedback `overrides` names must be on the same trace; it becomes invalid. */
  private invalidate(traceKey: number, traceId: string, assessmentId: string): void {
    const row = this.statements.select.get(assessmentId, traceId) as AssessmentRow | undefined;
    if (row === undefined || row.trace_key !== traceKey) throw notFound(traceId, assessmentId);
    if (row.kind !== 'feedback') {
      throw EvalflowError.invalid(`The assessment with ID ${assessmentId} is not a feedback assessment.`, { traceId, assessmentId });
    }
    this.statements.setValid.run(0, assessmentId);
  }

  private insert(statement: Database.Statement, traceKey: number, record: AssessmentRecord): void {
    const value = encodeValue(record.value);
    statement.run(
      record.assessmentId,
      traceKey,
      record.spanId,
      record.name,
      record.kind,
      record.source.sourceType,
      record.source.sourceId,
      record.createTimeMs,
      record.lastUpdateTimeMs,
      value.json,
      value.text,
      encodeError(record.error),
      record.rationale,
      JSON.stringify(record.metadata),
      record.overrides,
      record.valid ? 1 : 0,
    );
  }
}

// ---- filters -------------------------------------------------------------------------------------------------

/**
 * `feedback.<name> <op> 'value'` / `expectation.<name> …`: the trace has a VALID assessment of that kind and name
 * whose value text matches. `!=` therefore matches traces that have the assessment with another value (not traces
 * without it), as tag conditions do. The value text of a non-string value is its JSON (`'true'`, `'0.8'`).
 */
function assessmentFilter(kind: AssessmentKind): TraceClauseCompiler {
  return (clause: FilterClause, filter: string): CompiledClause => {
    const condition = compareColumn('a.value_text', clause, filter);
    return {
      sql:
        'EXISTS (SELECT 1 FROM assessments a WHERE a.name = ? AND a.valid = 1 AND a.trace_key = t.trace_key ' +
        `AND a.kind = '${kind}' AND ${condition.sql})`,
      params: [clause.key, ...condition.params],
    };
  };
}

// ---- validation ----------------------------------------------------------------------------------------------

/** A NewAssessment checked and completed into the record to store. */
function validateNew(input: NewAssessment, time: number): AssessmentRecord {
  if (input === null || typeof input !== 'object') throw EvalflowError.invalid('createAssessment needs an assessment object.');
  const createTimeMs = input.createTimeMs ?? time;
  if (typeof createTimeMs !== 'number' || !Number.isFinite(createTimeMs)) {
    throw EvalflowError.invalid(`Invalid createTimeMs ${String(createTimeMs)}: expected ms since the epoch.`);
  }
  return validateRecord({
    ...input,
    assessmentId: newAssessmentId(),
    createTimeMs,
    lastUpdateTimeMs: createTimeMs,
    overrides: input.overrides ?? null,
    valid: true,
  });
}

/** An assessment that came with its trace: its id, times, overrides and valid flag are kept. */
function validateStored(input: AssessmentRecord, traceId: string): AssessmentRecord {
  if (input === null || typeof input !== 'object') throw EvalflowError.invalid(`Trace ${traceId}: each of info.assessments must be an object.`);
  const ownTrace = input.traceId === undefined || input.traceId === null || input.traceId === '' ? traceId : input.traceId;
  if (ownTrace !== traceId) {
    throw EvalflowError.invalid(`Assessment ${String(input.assessmentId)} belongs to trace ${String(ownTrace)}, not to ${traceId}.`, { traceId });
  }
  const assessmentId = input.assessmentId === undefined || input.assessmentId === null || input.assessmentId === '' ? newAssessmentId() : input.assessmentId;
  const time = nowMs();
  const createTimeMs = input.createTimeMs ?? time;
  return validateRecord({
    ...input,
    assessmentId,
    traceId,
    createTimeMs,
    lastUpdateTimeMs: input.lastUpdateTimeMs ?? createTimeMs,
    overrides: input.overrides ?? null,
    valid: input.valid ?? true,
  });
}

function validateRecord(input: AssessmentRecord): AssessmentRecord {
  const fail = (message: string): never => {
    throw EvalflowError.invalid(message, { traceId: input.traceId, name: input.name });
  };
  if (typeof input.assessmentId !== 'string' || input.assessmentId === '') fail('An assessment id must be a non-empty string.');
  if (typeof input.traceId !== 'string' || input.traceId === '') fail('An assessment needs the id of its trace (traceId).');
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    fail(`An assessment name must be a non-empty string (got ${JSON.stringify(input.name) ?? String(input.name)}).`);
  }
  const name = input.name;
  if (input.kind !== 'feedback' && input.kind !== 'expectation') {
    fail(`Assessment "${name}": kind must be "feedback" or "expectation" (got ${String(input.kind)}).`);
  }
  const source = input.source as { sourceType?: unknown; sourceId?: unknown } | null | undefined;
  if (source === null || typeof source !== 'object') fail(`Assessment "${name}" needs a source { sourceType, sourceId }.`);
  const sourceType = (source as { sourceType?: unknown }).sourceType;
  if (!(ASSESSMENT_SOURCE_TYPES as readonly unknown[]).includes(sourceType)) {
    fail(`Invalid assessment source type: ${String(sourceType)}. Valid source types: [${ASSESSMENT_SOURCE_TYPES.join(', ')}]`);
  }
  const sourceId = (source as { sourceId?: unknown }).sourceId ?? 'default';
  if (typeof sourceId !== 'string') fail(`The source id of assessment "${name}" must be a string.`);
  const spanId = nullableString(input.spanId, 'spanId', name);
  for (const field of ['createTimeMs', 'lastUpdateTimeMs'] as const) {
    if (typeof input[field] !== 'number' || !Number.isFinite(input[field])) fail(`Assessment "${name}": ${field} must be ms since the epoch.`);
  }
  const rationale = nullableString(input.rationale, 'rationale', name);
  const overrides = nullableString(input.overrides, 'overrides', name);
  if (typeof input.valid !== 'boolean') fail(`Assessment "${name}": valid must be a boolean.`);
  const metadata = checkMetadata(input.metadata, name);
  let value: unknown;
  let error: AssessmentErrorRecord | null = null;
  if (input.kind === 'feedback') {
    error = checkError(input.error, name);
    value = input.value === undefined || input.value === null ? null : checkFeedbackValue(input.value, name);
    if (value === null && error === null) fail(`Either value or error must be provided. Feedback "${name}" has neither.`);
  } else {
    if (input.error !== undefined && input.error !== null) fail(`Expectation "${name}" cannot have an error.`);
    if (rationale !== null) fail(`Expectation "${name}" cannot have a rationale.`);
    if (overrides !== null) fail(`Expectation "${name}" cannot override another assessment: only feedback can.`);
    value = checkExpectationValue(input.value, name);
  }
  return {
    assessmentId: input.assessmentId,
    traceId: input.traceId,
    spanId,
    name,
    source: { sourceType: sourceType as AssessmentSourceType, sourceId: sourceId as string },
    createTimeMs: input.createTimeMs,
    lastUpdateTimeMs: input.lastUpdateTimeMs,
    kind: input.kind,
    value,
    error,
    rationale,
    metadata,
    overrides,
    valid: input.kind === 'expectation' ? true : input.valid,
  };
}

/** The record after `changes`, or INVALID_PARAMETER_VALUE (MLflow's messages for a value of the wrong kind). */
function applyChanges(current: AssessmentRecord, changes: AssessmentUpdate, time: number): AssessmentRecord {
  const name = changes.name ?? current.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw EvalflowError.invalid(`An assessment name must be a non-empty string (got ${JSON.stringify(changes.name) ?? String(changes.name)}).`);
  }
  const changesValue = changes.value !== undefined || changes.error !== undefined;
  if (changes.kind !== undefined && changes.kind !== 'feedback' && changes.kind !== 'expectation') {
    throw EvalflowError.invalid(`Invalid assessment kind ${String(changes.kind)}: expected "feedback" or "expectation".`);
  }
  const wrongKind = changesValue && changes.kind !== undefined && changes.kind !== current.kind;
  if (current.kind === 'feedback' && wrongKind) {
    throw EvalflowError.invalid('Cannot update expectation value on a Feedback assessment.', { assessmentId: current.assessmentId });
  }
  if (current.kind === 'expectation' && (wrongKind || (changes.error !== undefined && changes.error !== null))) {
    throw EvalflowError.invalid('Cannot update feedback value on an Expectation assessment.', { assessmentId: current.assessmentId });
  }
  const metadata = { ...current.metadata, ...(changes.metadata === undefined ? {} : checkMetadata(changes.metadata, name)) };
  const next: AssessmentRecord = { ...current, name, metadata, lastUpdateTimeMs: time };
  if (current.kind === 'feedback') {
    if (changes.rationale !== undefined) next.rationale = nullableString(changes.rationale, 'rationale', name);
    if (changesValue) {
      next.error = checkError(changes.error, name);
      next.value = changes.value === undefined || changes.value === null ? null : checkFeedbackValue(changes.value, name);
      if (next.value === null && next.error === null) {
        throw EvalflowError.invalid(`Either value or error must be provided. Feedback "${name}" would have neither.`);
      }
    }
  } else {
    if (changes.rationale !== undefined && changes.rationale !== null) {
      throw EvalflowError.invalid(`Expectation "${current.name}" cannot have a rationale.`, { assessmentId: current.assessmentId });
    }
    if (changes.value !== undefined) next.value = checkExpectationValue(changes.value, name);
  }
  return next;
}

function nullableString(value: unknown, field: string, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw EvalflowError.invalid(`The ${field} of assessment "${name}" must be a string (got ${typeof value}).`);
  return value;
}

function checkMetadata(metadata: unknown, name: string): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  if (typeof metadata !== 'object' || Array.isArray(metadata) || metadata instanceof Map) {
    throw EvalflowError.invalid(`The metadata of assessment "${name}" must be an object of string keys and string values.`);
  }
  const record: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw EvalflowError.invalid(`The metadata of assessment "${name}": the value of "${key}" must be a string (got ${typeof value}).`);
    }
    record[key] = value;
  }
  return record;
}

function checkError(error: unknown, name: string): AssessmentErrorRecord | null {
  if (error === undefined || error === null) return null;
  const e = error as Partial<AssessmentErrorRecord>;
  if (typeof error !== 'object' || typeof e.errorCode !== 'string' || e.errorCode === '') {
    throw EvalflowError.invalid(`The error of feedback "${name}" needs an errorCode string.`);
  }
  const message = nullableString(e.errorMessage, 'error message', name);
  const stackTrace = nullableString(e.stackTrace, 'stack trace', name);
  return { errorCode: e.errorCode, errorMessage: message, stackTrace };
}

type FeedbackPrimitive = number | string | boolean;

const isPrimitive = (v: unknown): v is FeedbackPrimitive =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** A number, string or boolean, or a list or string-keyed record of those (as the Feedback entity allows). */
function checkFeedbackValue(value: unknown, name: string): unknown {
  if (isPrimitive(value)) return value;
  if (Array.isArray(value) && value.every(isPrimitive)) return [...value];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value) as unknown;
    if ((proto === Object.prototype || proto === null) && Object.values(value).every(isPrimitive)) return { ...(value as object) };
  }
  throw EvalflowError.invalid(
    `Unsupported value for feedback "${name}": use a number, string or boolean, or a list or string-keyed record of those.`,
  );
}

/** Any JSON value but null; copied through JSON so that what is returned is what is stored. */
function checkExpectationValue(value: unknown, name: string): unknown {
  if (value === undefined || value === null) throw EvalflowError.invalid(`The value field must be specified for expectation "${name}".`);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw EvalflowError.invalid(`The value of expectation "${name}" is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw EvalflowError.invalid(`The value of expectation "${name}" is not JSON-serialisable.`);
  return JSON.parse(text) as unknown;
}

// ---- encoding ------------------------------------------------------------------------------------------------

/** The value as JSON text, and the text filters compare: a string as it is, any other value as its JSON. */
function encodeValue(value: unknown): { json: string | null; text: string | null } {
  if (value === undefined || value === null) return { json: null, text: null };
  const json = JSON.stringify(value);
  return { json, text: typeof value === 'string' ? value : json };
}

function encodeError(error: AssessmentErrorRecord | null): string | null {
  if (error === null) return null;
  const content: ErrorContent = { error_code: error.errorCode, error_message: error.errorMessage, stack_trace: error.stackTrace };
  return JSON.stringify(content);
}

function toRecord(row: AssessmentRow): AssessmentRecord {
  const error = row.error === null ? null : (JSON.parse(row.error) as ErrorContent);
  return {
    assessmentId: row.assessment_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    name: row.name,
    source: { sourceType: row.source_type, sourceId: row.source_id },
    createTimeMs: row.create_time,
    lastUpdateTimeMs: row.last_update_time,
    kind: row.kind,
    value: row.value === null ? null : (JSON.parse(row.value) as unknown),
    error: error === null ? null : { errorCode: error.error_code, errorMessage: error.error_message ?? null, stackTrace: error.stack_trace ?? null },
    rationale: row.rationale,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    overrides: row.overrides,
    valid: row.valid === 1,
  };
}

function notFound(traceId: string, assessmentId: string): EvalflowError {
  return EvalflowError.notFound(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'`, { traceId, assessmentId });
}

/** Input the checks let through but SQLite refuses (a value it cannot bind) is the caller's mistake. */
function asInvalidInput(error: unknown): unknown {
  if (error instanceof EvalflowError) return error;
  const code = (error as { code?: unknown }).code;
  const invalid = error instanceof TypeError || error instanceof RangeError || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
  if (!invalid) return error;
  return new EvalflowError(ErrorCode.INVALID_PARAMETER_VALUE, `Cannot store the assessment: ${(error as Error).message}`, { cause: error });
}
