import type Database from 'better-sqlite3';
import { ErrorCode, EvalflowError } from '../../core/errors.js';
import {
  SpanAttributeKey,
  TRACE_STATES,
  TraceMetadataKey,
  TraceTagKey,
  type SpanRecord,
  type SpanStatusCode,
  type TraceInfoRecord,
  type TraceRecord,
  type TraceState,
} from '../trace-entities.js';
import type { DeleteTracesInput, PagedList, SearchTracesInput } from '../tracking-store.js';
import { encodePageToken } from '../search/page-token.js';
import { buildTraceSearchQuery, rlikeRegExp, type TraceClauseCompiler } from '../search/trace-query.js';

/** MLflow's limits for a trace tag set after the fact (`set_trace_tag`). */
export const TRACE_TAG_KEY_MAX_LENGTH = 250;
export const TRACE_TAG_VALUE_MAX_LENGTH = 4096;

const SEARCH_STATEMENT_CACHE_SIZE = 64;

/** Largest value a SQLite INTEGER holds; span times are stored as 64-bit ns. */
const INT64_MAX = 2n ** 63n - 1n;

interface TraceRow {
  trace_key: number;
  trace_id: string;
  experiment_id: number;
  client_request_id: string | null;
  request_time: number;
  execution_duration: number | null;
  state: TraceState;
  request_preview: string | null;
  response_preview: string | null;
  name: string | null;
  run_id: string | null;
}

interface KeyValueRow {
  trace_key: number;
  key: string;
  value: string;
}

interface SpanRow {
  /** A bigint, as the statement reads every integer exactly. */
  trace_key: bigint;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  status: SpanStatusCode;
  start_time_unix_nano: bigint;
  end_time_unix_nano: bigint | null;
  content: string;
}

/** The stored JSON of a span (MLflow's span JSON field names; ns times as decimal strings, ids in hex). */
interface SpanContent {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string | null;
  status: { code: SpanStatusCode; message: string };
  attributes: Record<string, unknown>;
  events: { name: string; time_unix_nano: string; attributes: Record<string, unknown> }[];
  links: { trace_id: string; span_id: string; attributes: Record<string, unknown> }[];
}

const IN_JSON = 'IN (SELECT value FROM json_each(?))';

/** Rows a multi-row insert writes at most; a batch's rows go in chunks of 64, 32, … 1 (statements kept per size). */
const MAX_ROWS_PER_INSERT = 64;

const valueRows = (rows: number, columns: number): string => {
  const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(row).join(', ');
};

/** Spans upserted by span id (a later row for the same span wins, as it would written one by one). */
function upsertSpansSql(rows: number): string {
  return `INSERT INTO spans (trace_key, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
       VALUES ${valueRows(rows, 9)}
       ON CONFLICT (trace_key, span_id) DO UPDATE SET
         parent_span_id = excluded.parent_span_id, name = excluded.name, type = excluded.type, status = excluded.status,
         start_time_unix_nano = excluded.start_time_unix_nano, end_time_unix_nano = excluded.end_time_unix_nano,
         content = excluded.content`;
}

/** The statements that write one kind of row, by the number of rows they write (1, 2, 4 … 64), prepared on first use. */
class MultiRowInsert {
  private readonly bySize = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    readonly columns: number,
    private readonly sql: (rows: number) => string,
  ) {}

  /** Writes the rows held in `values` (`columns` values a row), in as few statements as the chunk sizes allow. */
  run(values: unknown[]): void {
    const total = values.length / this.columns;
    let done = 0;
    let size = MAX_ROWS_PER_INSERT;
    while (done < total) {
      while (size > total - done) size >>= 1;
      const start = done * this.columns;
      this.statement(size).run(size === total ? values : values.slice(start, start + size * this.columns));
      done += size;
    }
  }

  private statement(rows: number): Database.Statement {
    let statement = this.bySize.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(this.sql(rows));
      this.bySize.set(rows, statement);
    }
    return statement;
  }
}

/**
 * The child rows (spans, tags, metadata) of the new traces of one transaction, written together when it ends: a few
 * multi-row statements instead of one statement a row.
 */
interface PendingRows {
  spans: unknown[];
  tags: unknown[];
  metadata: unknown[];
}

/** Every statement the trace methods use, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    experimentExists: db.prepare<[number | string]>('SELECT 1 FROM experiments WHERE experiment_id = ?').pluck(),
    selectTrace: db.prepare<[string]>('SELECT * FROM traces WHERE trace_id = ?'),
    traceKey: db.prepare<[string]>('SELECT trace_key FROM traces WHERE trace_id = ?').pluck(),
    // A trace already stored (the other half of a distributed trace, a re-export) is left alone here and merged.
    insertTrace: db.prepare(
      `INSERT INTO traces (trace_id, experiment_id, client_request_id, request_time, execution_duration, state,
                           request_preview, response_preview, name, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id) DO NOTHING`,
    ),
    mergeTrace: db.prepare(
      `UPDATE traces SET client_request_id = ?, request_time = ?, execution_duration = ?, state = ?,
                         request_preview = ?, response_preview = ?, name = ?, run_id = ?
       WHERE trace_key = ?`,
    ),
    setName: db.prepare('UPDATE traces SET name = ? WHERE trace_key = ?'),
    upsertTag: db.prepare(
      'INSERT INTO trace_tags (trace_key, key, value) VALUES (?, ?, ?) ON CONFLICT (trace_key, key) DO UPDATE SET value = excluded.value',
    ),
    deleteTag: db.prepare('DELETE FROM trace_tags WHERE trace_key = ? AND key = ?'),
    selectTag: db.prepare<[number, string]>('SELECT value FROM trace_tags WHERE trace_key = ? AND key = ?').pluck(),
    // Metadata is write-once: a key already stored keeps its value.
    insertMetadata: db.prepare('INSERT OR IGNORE INTO trace_metadata (trace_key, key, value) VALUES (?, ?, ?)'),
    selectMetadata: db.prepare<[number, string]>('SELECT value FROM trace_metadata WHERE trace_key = ? AND key = ?').pluck(),
    upsertSpan: db.prepare(upsertSpansSql(1)),
    rootSpanName: db
      .prepare<[number]>(
        'SELECT name FROM spans WHERE trace_key = ? AND parent_span_id IS NULL ORDER BY start_time_unix_nano, span_id LIMIT 1',
      )
      .pluck(),
    loadTraces: db.prepare<[string]>(`SELECT * FROM traces WHERE trace_id ${IN_JSON}`),
    loadTags: db.prepare<[string]>(`SELECT trace_key, key, value FROM trace_tags WHERE trace_key ${IN_JSON}`),
    loadMetadata: db.prepare<[string]>(`SELECT trace_key, key, value FROM trace_metadata WHERE trace_key ${IN_JSON}`),
    // 64-bit ns times come back as bigint, exactly.
    loadSpans: db
      .prepare<[string]>(
        `SELECT trace_key, span_id, parent_span_id, name, status, start_time_unix_nano, end_time_unix_nano, content
         FROM spans WHERE trace_key ${IN_JSON} ORDER BY trace_key, start_time_unix_nano, span_id`,
      )
      .safeIntegers(true),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

const byConnection = new WeakMap<Database.Database, SqliteTraceTables>();

/** The trace tables of a store connection (statements prepared on first use, then reused). */
export function traceTablesFor(db: Database.Database): SqliteTraceTables {
  let tables = byConnection.get(db);
  if (tables === undefined) {
    tables = new SqliteTraceTables(db);
    byConnection.set(db, tables);
  }
  return tables;
}

/**
 * Traces in SQLite (schema: migration 2). Synchronous, as better-sqlite3 is; `SqliteTrackingStore` exposes these
 * methods through the async `TrackingStore` interface.
 */
export class SqliteTraceTables {
  private readonly statements: Statements;
  private readonly entityCompilers: Record<string, TraceClauseCompiler> = {};
  private readonly writeOne: (trace: TraceRecord) => void;
  private readonly writeMany: (traces: readonly TraceRecord[]) => void;
  /** Experiment keys by the id given, for experiments known to exist. */
  private readonly knownExperiments = new Map<string, number | string>();
  private readonly searchStatements = new Map<string, Database.Statement>();
  private readonly spanRows: MultiRowInsert;
  private readonly tagRows: MultiRowInsert;
  private readonly metadataRows: MultiRowInsert;

  constructor(private readonly db: Database.Database) {
    registerRegexp(db);
    this.statements = prepareStatements(db);
    this.spanRows = new MultiRowInsert(db, 9, upsertSpansSql);
    // Tags: new values win. Metadata is write-once: a key already stored keeps its value.
    this.tagRows = new MultiRowInsert(
      db,
      3,
      (rows) => `INSERT INTO trace_tags (trace_key, key, value) VALUES ${valueRows(rows, 3)} ON CONFLICT (trace_key, key) DO UPDATE SET value = excluded.value`,
    );
    this.metadataRows = new MultiRowInsert(db, 3, (rows) => `INSERT OR IGNORE INTO trace_metadata (trace_key, key, value) VALUES ${valueRows(rows, 3)}`);
    this.writeOne = db.transaction((trace: TraceRecord) => {
      const pending = newPendingRows();
      this.writeTrace(trace, pending);
      this.writePending(pending);
    }).immediate;
    this.writeMany = db.transaction((traces: readonly TraceRecord[]) => {
      const pending = newPendingRows();
      for (const trace of traces) this.writeTrace(trace, pending);
      this.writePending(pending);
    }).immediate;
  }

  /**
   * Lets another table answer the filter conditions of an entity: the assessment store registers `feedback` and
   * `expectation` here (`traceTablesFor(db).setEntityCompiler('feedback', …)`). Until then those filters are
   * rejected as not supported.
   */
  setEntityCompiler(entity: string, compiler: TraceClauseCompiler): void {
    this.entityCompilers[entity] = compiler;
  }

  /** One trace in one transaction; merged into a stored trace with the same id. */
  logTrace(trace: TraceRecord): void {
    try {
      this.writeOne(trace);
    } catch (error) {
      throw asInvalidInput(error);
    }
  }

  /** Many traces in one transaction: all are written, or none. */
  logTraces(traces: readonly TraceRecord[]): void {
    if (traces.length === 0) return;
    try {
      this.writeMany(traces);
    } catch (error) {
      throw asInvalidInput(error);
    }
  }

  getTrace(traceId: string): TraceRecord | null {
    return this.loadTraces([traceId], true)[0] ?? null;
  }

  searchTraces(input: SearchTracesInput): PagedList<TraceRecord> {
    const query = buildTraceSearchQuery(input, { entityCompilers: this.entityCompilers });
    const ids = this.searchStatement(query.sql).all(...query.params) as string[];
    const hasMore = ids.length > query.limit;
    const pageIds = hasMore ? ids.slice(0, query.limit) : ids;
    return {
      items: this.loadTraces(pageIds, input.includeSpans ?? true),
      nextPageToken: hasMore ? encodePageToken(query.offset + query.limit) : null,
    };
  }

  /** Search SQL depends only on the shape of the filter, so its statements are kept (the last 64 shapes). */
  private searchStatement(sql: string): Database.Statement {
    let statement = this.searchStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql).pluck();
      if (this.searchStatements.size >= SEARCH_STATEMENT_CACHE_SIZE) {
        const oldest = this.searchStatements.keys().next();
        if (!oldest.done) this.searchStatements.delete(oldest.value);
      }
    } else {
      this.searchStatements.delete(sql);
    }
    this.searchStatements.set(sql, statement);
    return statement;
  }

  setTraceTag(traceId: string, key: string, value: string): void {
    validateTag(key, value);
    this.db
      .transaction(() => {
        const traceKey = this.requireTrace(traceId);
        this.statements.upsertTag.run(traceKey, key, value);
        if (key === TraceTagKey.TRACE_NAME) this.statements.setName.run(value, traceKey);
      })
      .immediate();
  }

  deleteTraceTag(traceId: string, key: string): void {
    this.db
      .transaction(() => {
        const traceKey = this.requireTrace(traceId);
        if (this.statements.deleteTag.run(traceKey, key).changes === 0) {
          throw EvalflowError.notFound(`No tag "${key}" on trace ${traceId}.`, { traceId, key });
        }
        if (key === TraceTagKey.TRACE_NAME) {
          this.statements.setName.run((this.statements.rootSpanName.get(traceKey) as string | undefined) ?? null, traceKey);
        }
      })
      .immediate();
  }

  deleteTraces(input: DeleteTracesInput): number {
    const { experimentId, traceIds, maxTimestampMillis } = input;
    if (traceIds === undefined && maxTimestampMillis === undefined) {
      throw EvalflowError.invalid(
        'deleteTraces needs traceIds or maxTimestampMillis (or both) to say which traces of the experiment to delete.',
        { experimentId },
      );
    }
    if (maxTimestampMillis !== undefined && !Number.isFinite(maxTimestampMillis)) {
      throw EvalflowError.invalid(`Invalid maxTimestampMillis ${String(maxTimestampMillis)}: expected ms since the epoch.`);
    }
    if (traceIds !== undefined && (!Array.isArray(traceIds) || traceIds.some((id) => typeof id !== 'string'))) {
      throw EvalflowError.invalid('Invalid traceIds: expected an array of trace id strings.');
    }
    return this.db
      .transaction(() => {
        const where = ['experiment_id = ?'];
        const params: unknown[] = [this.requireExperiment(experimentId)];
        if (traceIds !== undefined) {
          where.push(`trace_id ${IN_JSON}`);
          params.push(JSON.stringify(traceIds));
        }
        if (maxTimestampMillis !== undefined) {
          where.push('request_time <= ?');
          params.push(maxTimestampMillis);
        }
        // Tags, metadata and spans go with their trace (ON DELETE CASCADE); changes counts the traces only.
        return this.db.prepare(`DELETE FROM traces WHERE ${where.join(' AND ')}`).run(...params).changes;
      })
      .immediate();
  }

  // ---- writing -----------------------------------------------------------------------------------------------

  /**
   * Writes a trace: a new one's spans, tags and metadata are added to `pending` (written by writePending before the
   * transaction ends); a trace already stored is merged at once, after what is pending.
   */
  private writeTrace(trace: TraceRecord, pending: PendingRows): void {
    const info = trace.info;
    validateTrace(trace);
    const experimentKey = this.requireExperiment(info.experimentId);
    const s = this.statements;
    const inserted = s.insertTrace.run(
      info.traceId,
      experimentKey,
      info.clientRequestId,
      info.requestTime,
      info.executionDuration,
      info.state,
      info.requestPreview,
      info.responsePreview,
      info.tags[TraceTagKey.TRACE_NAME] ?? rootName(trace.data.spans) ?? null,
      info.traceMetadata[TraceMetadataKey.SOURCE_RUN] ?? null,
    );
    if (inserted.changes > 0) {
      this.addChildren(Number(inserted.lastInsertRowid), trace, pending);
      return;
    }

    // The other half of a distributed trace (or a re-export): one trace covering both. The half holding the real
    // root span (no parent) owns the trace name, the previews and the client request id; the other half only fills
    // them in while they are missing. It may have come earlier in this transaction: its rows are written first.
    this.writePending(pending);
    const existing = s.selectTrace.get(info.traceId) as TraceRow;
    const traceKey = existing.trace_key;
    const ownsRoot = trace.data.spans.some((span) => span.parentSpanId === null);
    this.writeChildren(traceKey, trace, ownsRoot);
    const requestTime = Math.min(existing.request_time, info.requestTime);
    const ends = [
      existing.execution_duration === null ? null : existing.request_time + existing.execution_duration,
      info.executionDuration === null ? null : info.requestTime + info.executionDuration,
    ].filter((end): end is number => end !== null);
    const executionDuration = ends.length === 0 ? null : Math.max(...ends) - requestTime;
    const prefer = <T>(stored: T | null, incoming: T | null): T | null => (ownsRoot ? (incoming ?? stored) : (stored ?? incoming));
    s.mergeTrace.run(
      prefer(existing.client_request_id, info.clientRequestId),
      requestTime,
      executionDuration,
      mergeState(existing.state, info.state),
      prefer(existing.request_preview, info.requestPreview),
      prefer(existing.response_preview, info.responsePreview),
      (s.selectTag.get(traceKey, TraceTagKey.TRACE_NAME) as string | undefined) ??
        (s.rootSpanName.get(traceKey) as string | undefined) ??
        null,
      (s.selectMetadata.get(traceKey, TraceMetadataKey.SOURCE_RUN) as string | undefined) ?? null,
      traceKey,
    );
  }

  /** The spans, tags and metadata of a trace just inserted, as rows to write. */
  private addChildren(traceKey: number, trace: TraceRecord, pending: PendingRows): void {
    const { tags, traceMetadata } = trace.info;
    const spans = pending.spans;
    for (const span of trace.data.spans) spans.push(...spanRow(traceKey, span));
    for (const key in tags) pending.tags.push(traceKey, key, requireString(trace, 'tag', key, tags[key]));
    for (const key in traceMetadata) pending.metadata.push(traceKey, key, requireString(trace, 'metadata', key, traceMetadata[key]));
  }

  /** Writes (and empties) the rows gathered by addChildren. */
  private writePending(pending: PendingRows): void {
    if (pending.spans.length > 0) this.spanRows.run(pending.spans);
    if (pending.tags.length > 0) this.tagRows.run(pending.tags);
    if (pending.metadata.length > 0) this.metadataRows.run(pending.metadata);
    pending.spans = [];
    pending.tags = [];
    pending.metadata = [];
  }

  /** Spans (upserted by span id), tags (new values win) and metadata (stored keys kept) of a stored trace. */
  private writeChildren(traceKey: number, trace: TraceRecord, ownsRoot = true): void {
    const s = this.statements;
    const { tags, traceMetadata } = trace.info;
    for (const span of trace.data.spans) s.upsertSpan.run(...spanRow(traceKey, span));
    for (const key in tags) {
      const value = requireString(trace, 'tag', key, tags[key]);
      if (!ownsRoot && key === TraceTagKey.TRACE_NAME && s.selectTag.get(traceKey, key) !== undefined) continue;
      s.upsertTag.run(traceKey, key, value);
    }
    for (const key in traceMetadata) {
      s.insertMetadata.run(traceKey, key, requireString(trace, 'metadata', key, traceMetadata[key]));
    }
  }

  /**
   * The experiment's key, or RESOURCE_DOES_NOT_EXIST. Experiments are never removed (deleting one marks it), so
   * ids once found are remembered.
   */
  private requireExperiment(experimentId: string): number | string {
    const known = this.knownExperiments.get(experimentId);
    if (known !== undefined) return known;
    const key = /^\d+$/.test(experimentId) ? Number(experimentId) : experimentId;
    if (!this.statements.experimentExists.get(key)) {
      throw EvalflowError.notFound(
        `No experiment with id "${experimentId}". Create it with createExperiment(name) or log the trace to another ` +
          'experiment.',
        { experimentId },
      );
    }
    this.knownExperiments.set(experimentId, key);
    return key;
  }

  private requireTrace(traceId: string): number {
    const key = this.statements.traceKey.get(traceId) as number | undefined;
    if (key === undefined) {
      throw EvalflowError.notFound(`No trace with id "${traceId}". Find trace ids with searchTraces().`, { traceId });
    }
    return key;
  }

  // ---- reading -----------------------------------------------------------------------------------------------

  /** Traces by id, in the order given, in three or four queries whatever their number. */
  private loadTraces(traceIds: readonly string[], includeSpans: boolean): TraceRecord[] {
    if (traceIds.length === 0) return [];
    const s = this.statements;
    const byId = new Map<string, TraceRecord>();
    const byKey = new Map<number, TraceRecord>();
    for (const row of s.loadTraces.all(JSON.stringify(traceIds)) as TraceRow[]) {
      const trace: TraceRecord = { info: toInfo(row), data: { spans: [] } };
      byId.set(row.trace_id, trace);
      byKey.set(row.trace_key, trace);
    }
    if (byKey.size > 0) {
      const keysJson = JSON.stringify([...byKey.keys()]);
      for (const row of s.loadTags.all(keysJson) as KeyValueRow[]) {
        const trace = byKey.get(row.trace_key);
        if (trace) trace.info.tags[row.key] = row.value;
      }
      for (const row of s.loadMetadata.all(keysJson) as KeyValueRow[]) {
        const trace = byKey.get(row.trace_key);
        if (trace) trace.info.traceMetadata[row.key] = row.value;
      }
      if (includeSpans) {
        for (const row of s.loadSpans.all(keysJson) as SpanRow[]) {
          const trace = byKey.get(Number(row.trace_key));
          if (trace) trace.data.spans.push(toSpan(trace.info.traceId, row));
        }
      }
    }
    return traceIds.flatMap((id) => {
      const trace = byId.get(id);
      return trace ? [trace] : [];
    });
  }
}

// ---- validation ----------------------------------------------------------------------------------------------

const newPendingRows = (): PendingRows => ({ spans: [], tags: [], metadata: [] });

function validateTrace(trace: TraceRecord): void {
  const info = trace.info;
  if (typeof info.traceId !== 'string' || info.traceId === '') {
    throw EvalflowError.invalid('Invalid trace: info.traceId must be a non-empty string.');
  }
  if (!Number.isFinite(info.requestTime)) {
    throw EvalflowError.invalid(`Invalid trace ${info.traceId}: requestTime must be ms since the epoch.`, { traceId: info.traceId });
  }
  if (info.executionDuration !== null && !Number.isFinite(info.executionDuration)) {
    throw EvalflowError.invalid(`Invalid trace ${info.traceId}: executionDuration must be ms or null.`, { traceId: info.traceId });
  }
  if (!TRACE_STATES.includes(info.state)) {
    throw EvalflowError.invalid(`Invalid trace ${info.traceId}: state '${String(info.state)}' is not one of ${TRACE_STATES.join(', ')}.`, {
      traceId: info.traceId,
    });
  }
  for (const span of trace.data.spans) {
    if (span.traceId !== info.traceId) {
      throw EvalflowError.invalid(`Span ${span.spanId} belongs to trace ${span.traceId}, not to ${info.traceId}.`, {
        traceId: info.traceId,
        spanId: span.spanId,
      });
    }
    if (!isNanos(span.startTimeUnixNano) || (span.endTimeUnixNano !== null && !isNanos(span.endTimeUnixNano))) {
      throw EvalflowError.invalid(
        `Span ${span.spanId} of trace ${info.traceId}: start and end times must be bigint ns from 0 to 2^63 - 1 (end may be null).`,
        { traceId: info.traceId, spanId: span.spanId },
      );
    }
  }
}

function requireString(trace: TraceRecord, what: string, key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  throw EvalflowError.invalid(`Trace ${trace.info.traceId}: the value of ${what} "${key}" must be a string, not ${typeof value}.`, {
    traceId: trace.info.traceId,
    key,
  });
}

/**
 * Input the checks above let through but SQLite refuses (a span without an id, a value of a type SQLite cannot
 * bind) is the caller's mistake: INVALID_PARAMETER_VALUE, with nothing written. Other failures pass unchanged.
 */
function asInvalidInput(error: unknown): unknown {
  if (error instanceof EvalflowError) return error;
  const code = (error as { code?: unknown }).code;
  const invalid = error instanceof TypeError || error instanceof RangeError || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
  if (!invalid) return error;
  return new EvalflowError(ErrorCode.INVALID_PARAMETER_VALUE, `Cannot store the trace: ${(error as Error).message}`, { cause: error });
}

function isNanos(value: unknown): boolean {
  return typeof value === 'bigint' && value >= 0n && value <= INT64_MAX;
}

function validateTag(key: string, value: string): void {
  if (typeof key !== 'string' || key === '') throw EvalflowError.invalid('A trace tag key must be a non-empty string.');
  if (key.length > TRACE_TAG_KEY_MAX_LENGTH) {
    throw EvalflowError.invalid(
      `Trace tag key "${key.slice(0, 40)}…" has ${key.length} characters; the limit is ${TRACE_TAG_KEY_MAX_LENGTH}.`,
      { key },
    );
  }
  if (typeof value !== 'string') throw EvalflowError.invalid(`The value of trace tag "${key}" must be a string.`, { key });
  if (value.length > TRACE_TAG_VALUE_MAX_LENGTH) {
    throw EvalflowError.invalid(
      `The value of trace tag "${key}" has ${value.length} characters; the limit is ${TRACE_TAG_VALUE_MAX_LENGTH}.`,
      { key },
    );
  }
}

/** ERROR if either half failed; otherwise the more finished state (OK over IN_PROGRESS over unspecified). */
function mergeState(a: TraceState, b: TraceState): TraceState {
  const rank: Record<TraceState, number> = { ERROR: 3, OK: 2, IN_PROGRESS: 1, STATE_UNSPECIFIED: 0 };
  return rank[a] >= rank[b] ? a : b;
}

// ---- encoding ------------------------------------------------------------------------------------------------

function rootName(spans: readonly SpanRecord[]): string | undefined {
  let root: SpanRecord | undefined;
  for (const span of spans) {
    if (span.parentSpanId !== null) continue;
    if (root === undefined || span.startTimeUnixNano < root.startTimeUnixNano) root = span;
  }
  return root?.name;
}

const PLAIN_JSON_STRING = /^"[^"\\\u0000-\u001f]*"$/;

/** The decoded `mlflow.spanType` attribute (stored as a JSON string, `"\"LLM\""`), or null without one. */
function spanType(span: SpanRecord): string | null {
  const raw = span.attributes[SpanAttributeKey.SPAN_TYPE];
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') return String(raw);
  if (raw.startsWith('"')) {
    // A JSON string without escapes is the text between its quotes.
    if (PLAIN_JSON_STRING.test(raw)) return raw.slice(1, -1);
    try {
      const decoded: unknown = JSON.parse(raw);
      if (typeof decoded === 'string') return decoded;
    } catch {
      // not JSON: the raw value is the type
    }
  }
  return raw;
}

const BIGINT_TAG = '$bigint';
const NUMBER_TAG = '$number';

/** JSON cannot hold bigint or NaN / ±Infinity; inside attributes they are written as `{"$bigint": "…"}` / `{"$number": "NaN"}`. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { [BIGINT_TAG]: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NUMBER_TAG]: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const tagged = (value as Record<string, unknown>)[keys[0] as string];
  if (typeof tagged !== 'string') return value;
  if (keys[0] === BIGINT_TAG && /^-?\d+$/.test(tagged)) return BigInt(tagged);
  if (keys[0] === NUMBER_TAG && (tagged === 'NaN' || tagged === 'Infinity' || tagged === '-Infinity')) return Number(tagged);
  return value;
}

export function encodeSpan(span: SpanRecord): string {
  const content: SpanContent = {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    name: span.name,
    start_time_unix_nano: span.startTimeUnixNano.toString(),
    end_time_unix_nano: span.endTimeUnixNano === null ? null : span.endTimeUnixNano.toString(),
    status: { code: span.status.code, message: span.status.message },
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      time_unix_nano: event.timeUnixNano.toString(),
      attributes: event.attributes,
    })),
    links: span.links.map((link) => ({ trace_id: link.traceId, span_id: link.spanId, attributes: link.attributes })),
  };
  // The replacer is only needed for values plain JSON cannot hold; most spans have none.
  const tagged =
    needsTagging(span.attributes) ||
    span.events.some((event) => needsTagging(event.attributes)) ||
    span.links.some((link) => needsTagging(link.attributes));
  return tagged ? JSON.stringify(content, replacer) : JSON.stringify(content);
}

/** Whether a value holds a bigint or a non-finite number somewhere (which plain JSON would lose). */
function needsTagging(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return false;
    case 'number':
      return !Number.isFinite(value);
    case 'bigint':
      return true;
    case 'object': {
      if (value === null) return false;
      if (Array.isArray(value)) return value.some(needsTagging);
      for (const key in value) if (needsTagging((value as Record<string, unknown>)[key])) return true;
      return false;
    }
    default:
      return false;
  }
}

function decodeContent(text: string): SpanContent {
  const tagged = text.includes(`"${BIGINT_TAG}"`) || text.includes(`"${NUMBER_TAG}"`);
  return (tagged ? JSON.parse(text, reviver) : JSON.parse(text)) as SpanContent;
}

function toSpan(traceId: string, row: SpanRow): SpanRecord {
  const content = decodeContent(row.content);
  return {
    traceId,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    startTimeUnixNano: row.start_time_unix_nano,
    endTimeUnixNano: row.end_time_unix_nano,
    status: { code: row.status, message: content.status.message },
    attributes: content.attributes,
    events: content.events.map((event) => ({
      name: event.name,
      timeUnixNano: BigInt(event.time_unix_nano),
      attributes: event.attributes,
    })),
    links: content.links.map((link) => ({ traceId: link.trace_id, spanId: link.span_id, attributes: link.attributes })),
  };
}

function toInfo(row: TraceRow): TraceInfoRecord {
  return {
    traceId: row.trace_id,
    clientRequestId: row.client_request_id,
    experimentId: String(row.experiment_id),
    requestTime: row.request_time,
    executionDuration: row.execution_duration,
    state: row.state,
    requestPreview: row.request_preview,
    responsePreview: row.response_preview,
    traceMetadata: {},
    tags: {},
  };
}

/** SQLite's `X REGEXP Y` calls `regexp(Y, X)`: RLIKE in trace filters. */
function registerRegexp(db: Database.Database): void {
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (pattern === null || value === null || value === undefined) return null;
    return rlikeRegExp(String(pattern)).test(String(value)) ? 1 : 0;
  });
}

/** The values of a span's row, in the column order of the span inserts. */
function spanRow(traceKey: number, span: SpanRecord): unknown[] {
  return [
    traceKey,
    span.spanId,
    span.parentSpanId,
    span.name,
    spanType(span),
    span.status.code,
    span.startTimeUnixNano,
    span.endTimeUnixNano,
    encodeSpan(span),
  ];
}
