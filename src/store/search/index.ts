export { parseFilter, parseOrderBy, type FilterClause, type FilterValue, type OrderByItem } from './filter-parser.js';
export {
  buildRunSearchQuery,
  SEARCH_MAX_RESULTS_DEFAULT,
  SEARCH_MAX_RESULTS_THRESHOLD,
  type RunSearchInput,
  type RunSearchQuery,
  type RunViewType,
} from './run-query.js';
export { decodePageToken, encodePageToken } from './page-token.js';
export { likeToGlob, likeToSqliteLike } from './like-pattern.js';
export {
  COMPARATORS,
  RUN_VOCABULARY,
  type Comparator,
  type EntityRule,
  type KeyRule,
  type SearchVocabulary,
  type ValueKind,
} from './vocabulary.js';
export {
  buildTraceSearchQuery,
  compareColumn,
  TRACE_SEARCH_MAX_RESULTS_DEFAULT,
  TRACE_SEARCH_MAX_RESULTS_THRESHOLD,
  type CompiledClause,
  type TraceClauseCompiler,
  type TraceSearchInput,
  type TraceSearchOptions,
  type TraceSearchQuery,
} from './trace-query.js';
export { TRACE_ORDER_BY_VOCABULARY, TRACE_VOCABULARY, TraceEntity } from './trace-vocabulary.js';
