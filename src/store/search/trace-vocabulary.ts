/**
 * What a trace filter and a trace order_by may name: MLflow's `search_traces` grammar (tracing spec §5).
 *
 * | identifier                                             | comparators                       |
 * |--------------------------------------------------------|-----------------------------------|
 * | `trace.status` (`attributes.status`, bare `status`)    | =, !=                             |
 * | `trace.timestamp_ms`, `execution_time_ms`, `end_time_ms` | =, !=, <, <=, >, >=             |
 * | `trace.name`, `trace.client_request_id`                | =, !=, LIKE, ILIKE, RLIKE         |
 * | `trace.run_id`                                         | =                                 |
 * | `trace.trace_id` (`request_id`)                        | =, !=, IN, NOT IN (evalflow extra) |
 * | `tag.<k>` / `tags.<k>`, `metadata.<k>`                 | =, !=, LIKE, ILIKE, RLIKE         |
 * | `span.name`, `span.type`                               | =, !=, LIKE, ILIKE, RLIKE         |
 * | `span.attributes.<k>`                                  | LIKE, ILIKE, RLIKE                |
 * | `feedback.<name>`, `expectation.<name>`                | =, !=, LIKE, ILIKE, RLIKE (needs an assessment compiler) |
 *
 * A bare key (`timestamp_ms`) is a trace attribute, as in MLflow, so `order_by: ['timestamp_ms DESC']` works.
 */
import type { Comparator, KeyRule, SearchVocabulary } from './vocabulary.js';

const NUMERIC: readonly Comparator[] = ['=', '!=', '>', '>=', '<', '<='];
const TEXT: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'];
const PATTERN: readonly Comparator[] = ['LIKE', 'ILIKE', 'RLIKE'];

const text = (comparators: readonly Comparator[] = TEXT): KeyRule => ({ valueKind: 'string', comparators });
const numeric: KeyRule = { valueKind: 'number', comparators: NUMERIC };

/** Entity types of the trace grammar (canonical names the query builder switches on). */
export const TraceEntity = {
  TRACE: 'trace',
  TAG: 'tag',
  METADATA: 'metadata',
  SPAN: 'span',
  SPAN_ATTRIBUTE: 'span_attribute',
  FEEDBACK: 'feedback',
  EXPECTATION: 'expectation',
} as const;

const TRACE_PREFIXES: Readonly<Record<string, string>> = {
  trace: TraceEntity.TRACE,
  attribute: TraceEntity.TRACE,
  attributes: TraceEntity.TRACE,
  attr: TraceEntity.TRACE,
  tag: TraceEntity.TAG,
  tags: TraceEntity.TAG,
  metadata: TraceEntity.METADATA,
  span: TraceEntity.SPAN,
  spans: TraceEntity.SPAN,
  feedback: TraceEntity.FEEDBACK,
  expectation: TraceEntity.EXPECTATION,
};

/** Old and alternative spellings MLflow accepts for trace fields. */
const TRACE_KEY_ALIASES: Readonly<Record<string, string>> = {
  timestamp: 'timestamp_ms',
  execution_time: 'execution_time_ms',
  end_time: 'end_time_ms',
  request_id: 'trace_id',
  state: 'status',
};

/** The filter vocabulary of `searchTraces`. */
export const TRACE_VOCABULARY: SearchVocabulary = {
  prefixes: TRACE_PREFIXES,
  entities: {
    [TraceEntity.TRACE]: {
      keys: {
        status: text(['=', '!=']),
        timestamp_ms: numeric,
        execution_time_ms: numeric,
        end_time_ms: numeric,
        name: text(),
        client_request_id: text(),
        run_id: text(['=']),
        trace_id: text(['=', '!=', 'IN', 'NOT IN']),
      },
      keyAliases: TRACE_KEY_ALIASES,
    },
    [TraceEntity.TAG]: { anyKey: text() },
    [TraceEntity.METADATA]: { anyKey: text() },
    [TraceEntity.SPAN]: {
      keys: { name: text(), type: text() },
      nested: { attributes: TraceEntity.SPAN_ATTRIBUTE },
    },
    [TraceEntity.SPAN_ATTRIBUTE]: { anyKey: text(PATTERN) },
    [TraceEntity.FEEDBACK]: { anyKey: text() },
    [TraceEntity.EXPECTATION]: { anyKey: text() },
  },
  defaultEntity: TraceEntity.TRACE,
};

/**
 * The order_by vocabulary of `searchTraces`: trace fields only (`timestamp_ms`, the default, newest first).
 * The comparators are unused by order_by.
 */
export const TRACE_ORDER_BY_VOCABULARY: SearchVocabulary = {
  prefixes: { trace: TraceEntity.TRACE, attribute: TraceEntity.TRACE, attributes: TraceEntity.TRACE, attr: TraceEntity.TRACE },
  entities: {
    [TraceEntity.TRACE]: {
      keys: {
        timestamp_ms: numeric,
        execution_time_ms: numeric,
        end_time_ms: numeric,
        status: text(),
        name: text(),
        client_request_id: text(),
        trace_id: text(),
      },
      keyAliases: TRACE_KEY_ALIASES,
    },
  },
  defaultEntity: TraceEntity.TRACE,
};
