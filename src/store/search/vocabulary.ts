/**
 * What a filter string may name: prefixes, entity types, keys and the comparators each accepts. The parser is
 * generic; run search passes RUN_VOCABULARY, trace search passes its own.
 */

/** Every comparator spelling the parser understands; a vocabulary says which ones each key accepts. */
export const COMPARATORS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'LIKE',
  'ILIKE',
  // Regular-expression match; no run field accepts it (MLflow allows it for trace fields only).
  'RLIKE',
  'IN',
  'NOT IN',
  'IS NULL',
  'IS NOT NULL',
] as const;

export type Comparator = (typeof COMPARATORS)[number];

export type ValueKind = 'number' | 'string';

export interface KeyRule {
  /** Type of the right-hand side (for IN / NOT IN: of each list item). */
  readonly valueKind: ValueKind;
  readonly comparators: readonly Comparator[];
}

export interface EntityRule {
  /** Rule for any key, for entities whose keys are user-chosen names (metrics, params, tags). */
  readonly anyKey?: KeyRule;
  /** The only keys allowed, each with its own rule, for entities with fixed fields (run attributes). */
  readonly keys?: Readonly<Record<string, KeyRule>>;
  /** Alternative spellings of fixed keys, mapped to the canonical key. */
  readonly keyAliases?: Readonly<Record<string, string>>;
  /**
   * Keys that open a sub-entity whose own keys follow after another dot, bare or quoted: with
   * `{ attributes: 'span_attribute' }` on `span`, ``span.attributes.`mlflow.spanType` `` is the key
   * `mlflow.spanType` of the entity `span_attribute`.
   */
  readonly nested?: Readonly<Record<string, string>>;
}

export interface SearchVocabulary {
  /** Prefix as written before the dot (lower case) → canonical entity type. */
  readonly prefixes: Readonly<Record<string, string>>;
  readonly entities: Readonly<Record<string, EntityRule>>;
  /** Entity of an identifier written without a prefix (`start_time`), or none to require a prefix. */
  readonly defaultEntity?: string;
}

const NUMERIC: readonly Comparator[] = ['=', '!=', '>', '>=', '<', '<='];
const TEXT: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
// MLflow lists IN / NOT IN for every string attribute but then accepts a list only for run_id; evalflow accepts
// lists for all of them (`attributes.run_name IN ('a', 'b')`).
const TEXT_OR_LIST: readonly Comparator[] = [...TEXT, 'IN', 'NOT IN'];

/** MLflow's `SearchUtils` vocabulary for runs (datasets are not stored by evalflow yet). */
export const RUN_VOCABULARY: SearchVocabulary = {
  prefixes: {
    metric: 'metric',
    metrics: 'metric',
    param: 'param',
    params: 'param',
    parameter: 'param',
    parameters: 'param',
    tag: 'tag',
    tags: 'tag',
    attribute: 'attribute',
    attributes: 'attribute',
    attr: 'attribute',
    run: 'attribute',
  },
  entities: {
    metric: { anyKey: { valueKind: 'number', comparators: NUMERIC } },
    param: { anyKey: { valueKind: 'string', comparators: TEXT } },
    tag: { anyKey: { valueKind: 'string', comparators: TEXT } },
    attribute: {
      keys: {
        run_id: { valueKind: 'string', comparators: TEXT_OR_LIST },
        run_name: { valueKind: 'string', comparators: TEXT_OR_LIST },
        status: { valueKind: 'string', comparators: TEXT_OR_LIST },
        user_id: { valueKind: 'string', comparators: TEXT_OR_LIST },
        artifact_uri: { valueKind: 'string', comparators: TEXT_OR_LIST },
        start_time: { valueKind: 'number', comparators: NUMERIC },
        end_time: { valueKind: 'number', comparators: NUMERIC },
      },
      keyAliases: {
        created: 'start_time',
        Created: 'start_time',
        'run name': 'run_name',
        'Run name': 'run_name',
        'Run Name': 'run_name',
      },
    },
  },
  defaultEntity: 'attribute',
};
