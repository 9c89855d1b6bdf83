import { EvalflowError } from '../../core/errors.js';
import { parseFilter, parseOrderBy, type FilterClause, type OrderByItem } from './filter-parser.js';
import { likeToGlob, likeToSqliteLike } from './like-pattern.js';
import { decodePageToken } from './page-token.js';
import { syntaxError } from './syntax-error.js';
import { TRACE_ORDER_BY_VOCABULARY, TRACE_VOCABULARY, TraceEntity } from './trace-vocabulary.js';

export interface TraceSearchInput {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  /** Only traces whose metadata `mlflow.sourceRun` is this run (the `run_id` column). */
  runId?: string;
}

export interface TraceSearchQuery {
  /** Selects `trace_id`, in order, up to `limit + 1` rows: an extra row means there is a next page. */
  sql: string;
  params: unknown[];
  offset: number;
  /** The page size (maxResults). */
  limit: number;
}

/** SQL for one filter clause; `t` is the `traces` row being tested. Every user value is a bound parameter. */
export interface CompiledClause {
  sql: string;
  params: unknown[];
}

/**
 * Compiles the clauses of an entity the trace tables alone cannot answer. This is the extension point for
 * `feedback.<name>` / `expectation.<name>`: the assessment store registers a compiler that tests its own table
 * (`EXISTS (SELECT 1 FROM assessments a WHERE a.trace_id = t.trace_id AND …)`). Helpers: `compareColumn`.
 */
export type TraceClauseCompiler = (clause: FilterClause, filter: string) => CompiledClause;

export interface TraceSearchOptions {
  /** Compilers by entity type (`feedback`, `expectation`). */
  entityCompilers?: Readonly<Partial<Record<string, TraceClauseCompiler>>>;
}

export const TRACE_SEARCH_MAX_RESULTS_DEFAULT = 100;
/** MLflow's limit for one page of traces. */
export const TRACE_SEARCH_MAX_RESULTS_THRESHOLD = 500;

/** Columns of `traces t` for the trace fields; end time is derived (null while the duration is unknown). */
const TRACE_COLUMNS: Readonly<Record<string, string>> = {
  status: 't.state',
  timestamp_ms: 't.request_time',
  execution_time_ms: 't.execution_duration',
  end_time_ms: '(t.request_time + t.execution_duration)',
  name: 't.name',
  client_request_id: 't.client_request_id',
  run_id: 't.run_id',
  trace_id: 't.trace_id',
};
const NULLABLE_KEYS = new Set(['execution_time_ms', 'end_time_ms', 'name', 'client_request_id', 'run_id']);
const SPAN_COLUMNS: Readonly<Record<string, string>> = { name: 's.name', type: 's.type' };
const KEY_VALUE_TABLES: Readonly<Record<string, string>> = {
  [TraceEntity.TAG]: 'trace_tags',
  [TraceEntity.METADATA]: 'trace_metadata',
};
const PATH_SAFE_KEY = /^[^"\\\u0000-\u001f]*$/;
const SQL_COMPARISONS: ReadonlySet<string> = new Set(['=', '!=', '>', '>=', '<', '<=']);

/**
 * The SQL for MLflow's `search_traces` over the trace tables (see migration 2). Semantics:
 * - a tag or metadata condition (`!=` included) matches only traces that have the key, as for run tags;
 * - a span condition matches a trace when ANY of its spans matches;
 * - `span.attributes.<k>` patterns test the attribute as stored: MLflow's JSON-string values keep their quotes
 *   (`mlflow.spanType` is `"LLM"`), so use `LIKE '%LLM%'`;
 * - LIKE is case-sensitive (a GLOB), ILIKE is not (ASCII letters only, as SQLite's LIKE); RLIKE is a JavaScript
 *   regular expression searched anywhere in the value (Python's `re.search`), through the SQL function `regexp`
 *   the store registers;
 * - order: `timestamp_ms DESC` by default; missing values (duration, name) last in either direction; ties go to
 *   the newest, then to the trace id.
 */
export function buildTraceSearchQuery(input: TraceSearchInput, options: TraceSearchOptions = {}): TraceSearchQuery {
  const limit = input.maxResults ?? TRACE_SEARCH_MAX_RESULTS_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > TRACE_SEARCH_MAX_RESULTS_THRESHOLD) {
    throw EvalflowError.invalid(
      `Invalid maxResults ${String(limit)}: expected an integer from 1 to ${TRACE_SEARCH_MAX_RESULTS_THRESHOLD}. ` +
        'Page through more traces with the nextPageToken.',
      { maxResults: limit },
    );
  }
  const offset = decodePageToken(input.pageToken);
  const clauses = parseFilter(input.filter, TRACE_VOCABULARY);
  const orderBy = parseOrderBy(input.orderBy, TRACE_ORDER_BY_VOCABULARY);

  const where: string[] = [];
  const params: unknown[] = [];
  const experimentIds = input.experimentIds.map(toExperimentId);
  // An empty experiment list matches no trace, as for runs.
  where.push(experimentIds.length === 0 ? '0' : `t.experiment_id IN (${placeholders(experimentIds.length)})`);
  params.push(...experimentIds);
  if (input.runId !== undefined) {
    where.push('t.run_id = ?');
    params.push(input.runId);
  }
  for (const clause of clauses) {
    const compiled = compileClause(clause, input.filter ?? '', options);
    where.push(compiled.sql);
    params.push(...compiled.params);
  }

  const sql = [
    'SELECT t.trace_id AS trace_id FROM traces t',
    `WHERE ${where.join(' AND ')}`,
    `ORDER BY ${compileOrderBy(orderBy).join(', ')}`,
    'LIMIT ? OFFSET ?',
  ].join('\n');
  return { sql, params: [...params, limit + 1, offset], offset, limit };
}

function compileClause(clause: FilterClause, filter: string, options: TraceSearchOptions): CompiledClause {
  switch (clause.entity) {
    case TraceEntity.TRACE: {
      const column = TRACE_COLUMNS[clause.key];
      if (column === undefined) throw EvalflowError.internal(`No column for trace field '${clause.key}'.`);
      return compareColumn(column, clause, filter);
    }
    case TraceEntity.TAG:
    case TraceEntity.METADATA: {
      const table = KEY_VALUE_TABLES[clause.entity] as string;
      const condition = compareColumn('e.value', clause, filter);
      return {
        sql: `EXISTS (SELECT 1 FROM ${table} e WHERE e.trace_key = t.trace_key AND e.key = ? AND ${condition.sql})`,
        params: [clause.key, ...condition.params],
      };
    }
    case TraceEntity.SPAN: {
      const column = SPAN_COLUMNS[clause.key];
      if (column === undefined) throw EvalflowError.internal(`No column for span field '${clause.key}'.`);
      const condition = compareColumn(column, clause, filter);
      return {
        sql: `EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = t.trace_key AND ${condition.sql})`,
        params: condition.params,
      };
    }
    case TraceEntity.SPAN_ATTRIBUTE: {
      // A JSON path addresses a key as a quoted label unless it holds a double quote, a backslash or a control
      // character (stored escaped): those are looked up among the attribute entries instead (slower, same result).
      if (PATH_SAFE_KEY.test(clause.key)) {
        const condition = compareColumn('json_extract(s.content, ?)', clause, filter);
        return {
          sql: `EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = t.trace_key AND ${condition.sql})`,
          params: [`$.attributes."${clause.key}"`, ...condition.params],
        };
      }
      const condition = compareColumn('a.value', clause, filter);
      return {
        sql:
          "EXISTS (SELECT 1 FROM spans s, json_each(s.content, '$.attributes') a " +
          `WHERE s.trace_key = t.trace_key AND a.key = ? AND ${condition.sql})`,
        params: [clause.key, ...condition.params],
      };
    }
    default: {
      const compiler = options.entityCompilers?.[clause.entity];
      if (compiler) return compiler(clause, filter);
      throw syntaxError(
        'filter',
        filter,
        clause.position,
        `${clause.entity} filters are not supported yet: this store does not search assessments.`,
        { entity: clause.entity },
      );
    }
  }
}

/**
 * `column <comparator> value` for a comparator the vocabulary allowed. Exported for entity compilers.
 * `filter` is the whole filter string, for the position of an invalid regular expression.
 */
export function compareColumn(column: string, clause: FilterClause, filter: string): CompiledClause {
  const { comparator, value } = clause;
  switch (comparator) {
    case 'LIKE':
      return { sql: `${column} GLOB ?`, params: [likeToGlob(String(value))] };
    case 'ILIKE':
      return { sql: `${column} LIKE ? ESCAPE '\\'`, params: [likeToSqliteLike(String(value))] };
    case 'RLIKE': {
      const pattern = String(value);
      try {
        rlikeRegExp(pattern);
      } catch (error) {
        throw syntaxError('filter', filter, clause.position, `invalid regular expression for RLIKE: ${(error as Error).message}`);
      }
      return { sql: `${column} REGEXP ?`, params: [pattern] };
    }
    case 'IN':
    case 'NOT IN': {
      const items = value as unknown[];
      return { sql: `${column} ${comparator} (${placeholders(items.length)})`, params: items };
    }
    case 'IS NULL':
    case 'IS NOT NULL':
      return { sql: `${column} ${comparator}`, params: [] };
    default:
      if (!SQL_COMPARISONS.has(comparator)) throw EvalflowError.internal(`Unsupported comparator '${comparator}'.`);
      return { sql: `${column} ${comparator} ?`, params: [value] };
  }
}

function compileOrderBy(items: OrderByItem[]): string[] {
  const terms: string[] = [];
  for (const item of items) {
    const column = TRACE_COLUMNS[item.key];
    if (column === undefined) throw EvalflowError.internal(`No column for trace field '${item.key}'.`);
    if (NULLABLE_KEYS.has(item.key)) terms.push(`${column} IS NULL`);
    terms.push(`${column} ${item.ascending ? 'ASC' : 'DESC'}`);
  }
  const ordered = (key: string): boolean => items.some((item) => item.key === key);
  if (!ordered('timestamp_ms')) terms.push('t.request_time DESC');
  if (!ordered('trace_id')) terms.push('t.trace_id ASC');
  return terms;
}

const REGEXP_CACHE_SIZE = 64;
const regexpCache = new Map<string, RegExp>();

/**
 * The RegExp for an RLIKE pattern (no flags: case-sensitive, searched anywhere, like Python's `re.search`), cached.
 * Throws a SyntaxError for an invalid pattern.
 */
export function rlikeRegExp(pattern: string): RegExp {
  let regexp = regexpCache.get(pattern);
  if (regexp === undefined) {
    regexp = new RegExp(pattern);
    if (regexpCache.size >= REGEXP_CACHE_SIZE) {
      const oldest = regexpCache.keys().next();
      if (!oldest.done) regexpCache.delete(oldest.value);
    }
    regexpCache.set(pattern, regexp);
  }
  return regexp;
}

function toExperimentId(id: string): number {
  const value = /^\d+$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw EvalflowError.invalid(`Invalid experiment id '${id}': expected an integer id.`, { experimentId: id });
  }
  return value;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
