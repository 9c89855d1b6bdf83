import { describeToken, type TokenCursor } from './token-cursor.js';
import type { Token } from './tokenizer.js';
import type { KeyRule, SearchVocabulary } from './vocabulary.js';

export interface Identifier {
  /** Canonical entity type, e.g. `metric`. */
  entity: string;
  /** Canonical key: unquoted, with attribute aliases resolved (`created` → `start_time`). */
  key: string;
  rule: KeyRule;
  position: number;
}

/**
 * Reads `<prefix>.<key>` or, when the vocabulary has a default entity, a bare `<key>`. Each part is a bare name
 * (letters, digits, `_`, and dots between them in the key, as MLflow reads `tags.mlflow.runName`) or quoted with
 * backticks or quotes; a key with any other character must be quoted.
 */
export function readIdentifier(cursor: TokenCursor, vocabulary: SearchVocabulary): Identifier {
  const first = cursor.next();
  if (!isNamePart(first)) {
    if (first.kind === 'lparen') throw cursor.error(first, PARENTHESES_MESSAGE);
    throw cursor.error(first, `expected an identifier such as ${examples(vocabulary)} but found ${describeToken(first)}.`);
  }

  let entity: string;
  let keyToken: Token;
  if (cursor.peek().kind === 'dot' && !cursor.peek().spaced) {
    const dot = cursor.next();
    entity = resolvePrefix(cursor, vocabulary, first);
    keyToken = cursor.next();
    if (keyToken.spaced) throw cursor.error(dot.position + 1, `expected a key after '${first.text}.' but found a space.`);
    if (!isNamePart(keyToken)) {
      throw cursor.error(keyToken, `expected a key after '${first.text}.' but found ${describeToken(keyToken)}.`);
    }
  } else if (vocabulary.defaultEntity !== undefined) {
    entity = vocabulary.defaultEntity;
    keyToken = first;
  } else {
    const found = describeToken(first);
    throw cursor.error(first, `expected '<prefix>.<key>' (prefixes: ${prefixList(vocabulary)}) but found ${found}.`);
  }

  let keyPrefix = keyToken === first ? '' : `${first.text}.`;
  // A key that opens a sub-entity (`span.attributes.<key>`): the key proper follows the next dot.
  const nested = vocabulary.entities[entity]?.nested;
  if (
    nested !== undefined &&
    keyToken.kind === 'word' &&
    Object.hasOwn(nested, keyToken.text) &&
    cursor.peek().kind === 'dot' &&
    !cursor.peek().spaced
  ) {
    const dot = cursor.next();
    const part = cursor.next();
    if (part.spaced || !isNamePart(part)) {
      const found = part.spaced ? 'a space' : describeToken(part);
      throw cursor.error(dot.position + 1, `expected a key after '${first.text}.${keyToken.text}.' but found ${found}.`);
    }
    entity = nested[keyToken.text] as string;
    keyPrefix = `${first.text}.${keyToken.text}.`;
    keyToken = part;
  }

  // As in MLflow, a bare key may itself contain dots: `tags.mlflow.parentRunId` is the tag "mlflow.parentRunId".
  let rawKey = String(keyToken.value);
  while (keyToken.kind !== 'string' && cursor.peek().kind === 'dot' && !cursor.peek().spaced) {
    const dot = cursor.next();
    const part = cursor.next();
    if (part.spaced || part.kind === 'string' || !isNamePart(part)) {
      throw cursor.error(dot.position + 1, `expected the rest of the key after '${rawKey}.'.`);
    }
    rawKey += `.${part.text}`;
  }

  const after = cursor.peek();
  if (!after.spaced && !FOLLOWS_KEY.has(after.kind)) {
    const example = `${keyPrefix}\`${intendedKey(cursor.text, keyToken.position)}\``;
    throw cursor.error(
      after,
      `unexpected '${after.text.charAt(0)}' after key '${rawKey}': a key containing '.', '-', spaces or other ` +
        `special characters must be quoted with backticks or double quotes, e.g. ${example}.`,
    );
  }

  if (rawKey === '') throw cursor.error(keyToken, 'the key is empty.');
  const { key, rule } = resolveKey(cursor, vocabulary, entity, rawKey, keyToken);
  return { entity, key, rule, position: first.position };
}

export const PARENTHESES_MESSAGE =
  "parentheses are not supported: MLflow's filter grammar has no grouping, only conditions joined by AND.";

const FOLLOWS_KEY = new Set(['op', 'lparen', 'rparen', 'comma', 'end']);

/** The run of characters the user probably meant as one key, for the quoting hint. */
function intendedKey(text: string, start: number): string {
  let end = start;
  while (end < text.length && !' \t\n\r<>=!(),'.includes(text[end] as string)) end += 1;
  return text.slice(start, end);
}

function isNamePart(token: Token): boolean {
  return token.kind === 'word' || token.kind === 'string' || (token.kind === 'number' && /^\d+$/.test(token.text));
}

function resolvePrefix(cursor: TokenCursor, vocabulary: SearchVocabulary, token: Token): string {
  const prefix = String(token.value).toLowerCase();
  if (Object.hasOwn(vocabulary.prefixes, prefix)) return vocabulary.prefixes[prefix] as string;
  throw cursor.error(token, `unknown entity type '${String(token.value)}'; valid prefixes are ${prefixList(vocabulary)}.`);
}

function resolveKey(
  cursor: TokenCursor,
  vocabulary: SearchVocabulary,
  entity: string,
  rawKey: string,
  token: Token,
): { key: string; rule: KeyRule } {
  const entityRule = vocabulary.entities[entity];
  if (entityRule?.keys) {
    const aliases = entityRule.keyAliases ?? {};
    const key = Object.hasOwn(aliases, rawKey) ? (aliases[rawKey] as string) : rawKey;
    if (Object.hasOwn(entityRule.keys, key)) return { key, rule: entityRule.keys[key] as KeyRule };
    throw cursor.error(token, `unknown ${entity} key '${rawKey}'; valid keys are ${Object.keys(entityRule.keys).join(', ')}.`);
  }
  if (entityRule?.anyKey) return { key: rawKey, rule: entityRule.anyKey };
  throw cursor.error(token, `the vocabulary has no rule for entity type '${entity}'.`);
}

function prefixList(vocabulary: SearchVocabulary): string {
  return Object.keys(vocabulary.prefixes).join(', ');
}

function examples(vocabulary: SearchVocabulary): string {
  const byEntity = new Map<string, string>();
  for (const [prefix, entity] of Object.entries(vocabulary.prefixes)) {
    if (!byEntity.has(entity)) byEntity.set(entity, `${prefix}.<key>`);
  }
  return [...byEntity.values()].join(', ');
}
