import { EvalflowError } from '../../core/errors.js';
import { parseFilter, parseOrderBy, type FilterClause, type OrderByItem } from './filter-parser.js';
import { likeToGlob, likeToSqliteLike } from './like-pattern.js';
import { decodePageToken } from './page-token.js';
import { RUN_VOCABULARY } from './vocabulary.js';

export { decodePageToken, encodePageToken } from './page-token.js';

export type RunViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface RunSearchInput {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: RunViewType;
}

export interface RunSearchQuery {
  /** Selects `run_id`, in order, up to `limit + 1` rows: an extra row means there is a next page. */
  sql: string;
  params: unknown[];
  offset: number;
  /** The page size (maxResults). */
  limit: number;
}

export const SEARCH_MAX_RESULTS_DEFAULT = 1000;
export const SEARCH_MAX_RESULTS_THRESHOLD = 50000;

const ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  run_id: 'r.run_id',
  run_name: 'r.run_name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};
const SQL_COMPARISONS: ReadonlySet<string> = new Set(['=', '!=', '>', '>=', '<', '<=']);
const NULLABLE_COLUMNS = new Set(['end_time']);
const ENTITY_TABLES: Readonly<Record<string, string>> = { metric: 'latest_metrics', param: 'params', tag: 'tags' };
const LIFECYCLE_STAGES: Readonly<Record<RunViewType, string | null>> = {
  ACTIVE_ONLY: 'active',
  DELETED_ONLY: 'deleted',
  ALL: null,
};

/**
 * The SQL for MLflow's `search_runs` over the SQLite schema: every user value (experiment ids, keys, values,
 * patterns, limits) is a bound `?` parameter. Semantics follow MLflow's SQL store:
 * - metric conditions read `latest_metrics`; a NaN value satisfies only `!=`;
 * - a param or tag condition (`!=` included) matches only runs that have the key;
 * - LIKE is case-sensitive, ILIKE is not (ASCII letters only, as SQLite's LIKE);
 * - ordering by a metric puts numbers first, then NaN, then runs without it, for ASC and DESC alike; params,
 *   tags and end_time put missing values last; ties go to start_time DESC, then run_id.
 */
export function buildRunSearchQuery(input: RunSearchInput): RunSearchQuery {
  const limit = input.maxResults ?? SEARCH_MAX_RESULTS_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw EvalflowError.invalid(
      `Invalid maxResults ${String(limit)}: expected an integer from 1 to ${SEARCH_MAX_RESULTS_THRESHOLD}.`,
      { maxResults: limit },
    );
  }
  const offset = decodePageToken(input.pageToken);
  const clauses = parseFilter(input.filter, RUN_VOCABULARY);
  const orderBy = parseOrderBy(input.orderBy, RUN_VOCABULARY);

  const joins: string[] = [];
  const joinParams: unknown[] = [];
  const where: string[] = [];
  const whereParams: unknown[] = [];

  const experimentIds = input.experimentIds.map(toExperimentId);
  // An empty experiment list matches no run, as in MLflow.
  where.push(experimentIds.length === 0 ? '0' : `r.experiment_id IN (${placeholders(experimentIds.length)})`);
  whereParams.push(...experimentIds);

  const viewType = input.viewType ?? 'ACTIVE_ONLY';
  if (!Object.hasOwn(LIFECYCLE_STAGES, viewType)) {
    throw EvalflowError.invalid(`Invalid viewType '${String(viewType)}': expected ACTIVE_ONLY, DELETED_ONLY or ALL.`, {
      viewType,
    });
  }
  const stage = LIFECYCLE_STAGES[viewType];
  if (stage !== null && stage !== undefined) {
    where.push('r.lifecycle_stage = ?');
    whereParams.push(stage);
  }

  for (const clause of clauses) {
    const { sql, params } = compileClause(clause);
    where.push(sql);
    whereParams.push(...params);
  }

  const order = compileOrderBy(orderBy, joins, joinParams);
  const sql = [
    'SELECT r.run_id AS run_id FROM runs r',
    ...joins,
    `WHERE ${where.join(' AND ')}`,
    `ORDER BY ${order.join(', ')}`,
    'LIMIT ? OFFSET ?',
  ].join('\n');
  return { sql, params: [...joinParams, ...whereParams, limit + 1, offset], offset, limit };
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

interface Compiled {
  sql: string;
  params: unknown[];
}

function compileClause(clause: FilterClause): Compiled {
  if (clause.entity === 'attribute') {
    const column = ATTRIBUTE_COLUMNS[clause.key];
    if (column === undefined) throw EvalflowError.internal(`No column for attribute '${clause.key}'.`);
    return compare(column, clause);
  }
  const table = ENTITY_TABLES[clause.entity];
  if (table === undefined) throw EvalflowError.internal(`Runs cannot be searched by '${clause.entity}'.`);
  const condition =
    clause.entity !== 'metric'
      ? compare('e.value', clause)
      : clause.comparator === '!='
        ? { sql: '(e.is_nan = 1 OR e.value != ?)', params: [clause.value] }
        : { sql: `e.is_nan = 0 AND ${compare('e.value', clause).sql}`, params: [clause.value] };
  return {
    sql: `EXISTS (SELECT 1 FROM ${table} e WHERE e.run_id = r.run_id AND e.key = ? AND ${condition.sql})`,
    params: [clause.key, ...condition.params],
  };
}

/** `column <comparator> value` for a plain column; the comparator has been validated by the parser. */
function compare(column: string, clause: FilterClause): Compiled {
  const { comparator, value } = clause;
  switch (comparator) {
    case 'LIKE':
      return { sql: `${column} GLOB ?`, params: [likeToGlob(String(value))] };
    case 'ILIKE':
      return { sql: `${column} LIKE ? ESCAPE '\\'`, params: [likeToSqliteLike(String(value))] };
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

function compileOrderBy(items: OrderByItem[], joins: string[], joinParams: unknown[]): string[] {
  const terms: string[] = [];
  items.forEach((item, index) => {
    const direction = item.ascending ? 'ASC' : 'DESC';
    if (item.entity === 'attribute') {
      const column = ATTRIBUTE_COLUMNS[item.key];
      if (column === undefined) throw EvalflowError.internal(`No column for attribute '${item.key}'.`);
      if (NULLABLE_COLUMNS.has(item.key)) terms.push(`${column} IS NULL`);
      terms.push(`${column} ${direction}`);
      return;
    }
    const table = ENTITY_TABLES[item.entity];
    if (table === undefined) throw EvalflowError.internal(`Runs cannot be ordered by '${item.entity}'.`);
    const alias = `o${index}`;
    joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_id = r.run_id AND ${alias}.key = ?`);
    joinParams.push(item.key);
    terms.push(
      item.entity === 'metric'
        ? `CASE WHEN ${alias}.run_id IS NULL THEN 2 WHEN ${alias}.is_nan = 1 THEN 1 ELSE 0 END`
        : `${alias}.run_id IS NULL`,
      `${alias}.value ${direction}`,
    );
  });
  const ordered = (key: string): boolean => items.some((item) => item.entity === 'attribute' && item.key === key);
  if (!ordered('start_time')) terms.push('r.start_time DESC');
  if (!ordered('run_id')) terms.push('r.run_id ASC');
  return terms;
}
