import { PARENTHESES_MESSAGE, readIdentifier, type Identifier } from './identifier.js';
import { describeToken, TokenCursor } from './token-cursor.js';
import type { Token } from './tokenizer.js';
import type { Comparator, SearchVocabulary } from './vocabulary.js';
import { RUN_VOCABULARY } from './vocabulary.js';

export type FilterValue = string | number | string[] | number[] | null;

/** One condition of a filter; a filter is the AND of its clauses. */
export interface FilterClause {
  entity: string;
  key: string;
  comparator: Comparator;
  /** A list for IN / NOT IN, null for IS [NOT] NULL. */
  value: FilterValue;
  /** 0-based position of the clause in the filter string. */
  position: number;
}

export interface OrderByItem {
  entity: string;
  key: string;
  ascending: boolean;
}

const SYMBOLIC: ReadonlySet<string> = new Set(['=', '!=', '>', '>=', '<', '<=']);
// Longest first, so that `IS NOT NULL` wins over `IS NULL` and `NOT IN` is one comparator.
const KEYWORD_COMPARATORS: readonly (readonly string[])[] = [
  ['IS', 'NOT', 'NULL'],
  ['IS', 'NULL'],
  ['NOT', 'IN'],
  ['IN'],
  ['LIKE'],
  ['ILIKE'],
  ['RLIKE'],
];

/**
 * Parses an MLflow search filter (`metrics.rmse < 1 and params.model = 'tree'`) into clauses. Empty or blank
 * filters give no clauses. Any error is an EvalflowError INVALID_PARAMETER_VALUE with `details.position`.
 */
export function parseFilter(filter: string | undefined, vocabulary: SearchVocabulary = RUN_VOCABULARY): FilterClause[] {
  if (filter === undefined) return [];
  const cursor = new TokenCursor(filter, 'filter');
  const clauses: FilterClause[] = [];
  if (cursor.peek().kind === 'end') return clauses;

  for (;;) {
    clauses.push(readClause(cursor, vocabulary));
    const token = cursor.peek();
    if (token.kind === 'end') return clauses;
    if (cursor.isKeyword('AND')) {
      cursor.next();
      if (cursor.peek().kind === 'end') {
        throw cursor.error(cursor.peek(), "expected a condition after 'AND' but found end of input.");
      }
      continue;
    }
    if (cursor.isKeyword('OR')) {
      throw cursor.error(token, "OR is not supported: MLflow's filter grammar only joins conditions with AND.");
    }
    if (token.kind === 'lparen' || token.kind === 'rparen') throw cursor.error(token, PARENTHESES_MESSAGE);
    throw cursor.error(token, `expected AND or the end of the filter but found ${describeToken(token)}.`);
  }
}

/**
 * Parses `order_by` items: `<identifier> [ASC|DESC]` each, e.g. `metrics.rmse DESC`, ``tags.`a.b` ``. Ascending
 * unless DESC is given. A field given twice is an error, as in MLflow.
 */
export function parseOrderBy(items: readonly string[] | undefined, vocabulary: SearchVocabulary = RUN_VOCABULARY): OrderByItem[] {
  const result: OrderByItem[] = [];
  const seen = new Map<string, number>();
  (items ?? []).forEach((item, index) => {
    const cursor = new TokenCursor(item, 'order_by clause', { index });
    const identifier = readIdentifier(cursor, vocabulary);
    let ascending = true;
    if (cursor.isKeyword('ASC') || cursor.isKeyword('DESC')) ascending = cursor.next().text.toUpperCase() === 'ASC';
    const rest = cursor.peek();
    if (rest.kind !== 'end') {
      throw cursor.error(rest, `expected ASC, DESC or the end of the clause but found ${describeToken(rest)}.`);
    }

    const field = `${identifier.entity} '${identifier.key}'`;
    const earlier = seen.get(field);
    if (earlier !== undefined) {
      throw cursor.error(identifier.position, `${field} is already ordered by item ${earlier}; each field may appear once.`);
    }
    seen.set(field, index);
    result.push({ entity: identifier.entity, key: identifier.key, ascending });
  });
  return result;
}

function readClause(cursor: TokenCursor, vocabulary: SearchVocabulary): FilterClause {
  if (cursor.isKeyword('AND') || cursor.isKeyword('OR')) {
    throw cursor.error(cursor.peek(), `expected a condition such as metrics.rmse < 1 but found ${describeToken(cursor.peek())}.`);
  }
  const identifier = readIdentifier(cursor, vocabulary);
  const comparator = readComparator(cursor, identifier);
  const value = readValue(cursor, identifier, comparator);
  return { entity: identifier.entity, key: identifier.key, comparator, value, position: identifier.position };
}

function readComparator(cursor: TokenCursor, identifier: Identifier): Comparator {
  const allowed = identifier.rule.comparators;
  const token = cursor.peek();
  let comparator: string | undefined;
  let length = 1;
  if (token.kind === 'op' && SYMBOLIC.has(token.text)) {
    comparator = token.text;
  } else if (token.kind === 'word') {
    const phrase = KEYWORD_COMPARATORS.find((words) => words.every((word, i) => cursor.isKeyword(word, i)));
    if (phrase) {
      comparator = phrase.join(' ');
      length = phrase.length;
    }
  }
  if (comparator === undefined) {
    const hint = token.text === '<>' || token.text === '==' ? ` Use ${token.text === '<>' ? '!=' : '='}.` : '';
    throw cursor.error(token, `expected a comparison operator (${allowed.join(', ')}) but found ${describeToken(token)}.${hint}`);
  }
  if (!(allowed as readonly string[]).includes(comparator)) {
    throw cursor.error(
      token,
      `comparator '${comparator}' is not supported for ${identifier.entity} '${identifier.key}'; ` +
        `use one of ${allowed.join(', ')}.`,
    );
  }
  for (let i = 0; i < length; i += 1) cursor.next();
  return comparator as Comparator;
}

function readValue(cursor: TokenCursor, identifier: Identifier, comparator: Comparator): FilterValue {
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return null;
  if (comparator !== 'IN' && comparator !== 'NOT IN') return readScalar(cursor, identifier);

  const open = cursor.next();
  if (open.kind !== 'lparen') {
    const found = describeToken(open);
    throw cursor.error(open, `expected a parenthesised list such as ('a', 'b') after ${comparator} but found ${found}.`);
  }
  const items: (string | number)[] = [];
  for (;;) {
    if (cursor.peek().kind === 'rparen') {
      throw cursor.error(cursor.peek(), `expected a value but found ')'; a list needs at least one value and no trailing comma.`);
    }
    items.push(readScalar(cursor, identifier));
    const separator = cursor.next();
    if (separator.kind === 'rparen') return items as string[] | number[];
    if (separator.kind !== 'comma') {
      throw cursor.error(separator, `expected ',' or ')' in the list but found ${describeToken(separator)}.`);
    }
  }
}

function readScalar(cursor: TokenCursor, identifier: Identifier): string | number {
  const token = cursor.peek();
  const subject = `${identifier.entity} '${identifier.key}'`;
  if (identifier.rule.valueKind === 'number') {
    if (token.kind !== 'number') {
      throw cursor.error(token, `expected a numeric value for ${subject} but found ${describeToken(token)}.`);
    }
    cursor.next();
    return token.value as number;
  }
  if (!isStringLiteral(token)) {
    const backtick = token.quote === '`' ? ' Backticks quote keys; quote values with single or double quotes.' : '';
    const found = describeToken(token);
    throw cursor.error(token, `expected a quoted string value for ${subject} (e.g. 'my-value') but found ${found}.${backtick}`);
  }
  cursor.next();
  return token.value as string;
}

function isStringLiteral(token: Token): boolean {
  return token.kind === 'string' && token.quote !== '`';
}
