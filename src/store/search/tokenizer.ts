import { syntaxError } from './syntax-error.js';

export type TokenKind =
  | 'word' // bare name or keyword: letters, digits, '_'
  | 'number'
  | 'string' // quoted with ', " or `; `value` holds the unescaped text
  | 'op' // a run of < > = ! (validated by the parser, so '>>' reaches it as one token)
  | 'dot'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'other' // anything else, reported by the parser in context
  | 'end';

export type Quote = "'" | '"' | '`';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** Unescaped content of a string, numeric value of a number, otherwise the text. */
  value: string | number;
  quote?: Quote;
  position: number;
  /** Whether whitespace precedes the token (an identifier's parts must touch). */
  spaced: boolean;
}

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const OP_CHARS = '<>=!';
const ESCAPABLE = `'"\`\\`;

const isWordChar = (c: string | undefined): boolean => c !== undefined && WORD_CHAR.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/**
 * Splits a filter or order-by string into tokens. `what` names the input in error messages ("filter").
 * Only an unterminated quoted string is an error here; every other mistake is reported by the parser, which
 * knows what it expected.
 */
export function tokenize(input: string, what: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  const push = (kind: TokenKind, start: number, end: number, value?: string | number, quote?: Quote): void => {
    const text = input.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, position: start, spaced, ...(quote ? { quote } : {}) });
    spaced = false;
    i = end;
  };

  while (i < input.length) {
    const c = input[i] as string;
    const next = input[i + 1];
    const previous = tokens[tokens.length - 1];
    const touchesName = previous !== undefined && !spaced && (previous.kind === 'word' || previous.kind === 'string');

    if (isSpace(c)) {
      spaced = true;
      i += 1;
    } else if (c === "'" || c === '"' || c === '`') {
      const { value, end } = readQuoted(input, i, what);
      push('string', i, end, value, c);
    } else if (
      isDigit(c) ||
      (c === '.' && isDigit(next) && !touchesName) ||
      ((c === '-' || c === '+') && (isDigit(next) || (next === '.' && isDigit(input[i + 2]))))
    ) {
      readNumberOrWord(input, i, push);
    } else if (isWordChar(c)) {
      let end = i + 1;
      while (isWordChar(input[end])) end += 1;
      push('word', i, end);
    } else if (OP_CHARS.includes(c)) {
      let end = i + 1;
      while (end < input.length && OP_CHARS.includes(input[end] as string)) end += 1;
      push('op', i, end);
    } else if (c === '.') {
      push('dot', i, i + 1);
    } else if (c === '(') {
      push('lparen', i, i + 1);
    } else if (c === ')') {
      push('rparen', i, i + 1);
    } else if (c === ',') {
      push('comma', i, i + 1);
    } else {
      const codePoint = String.fromCodePoint(input.codePointAt(i) as number);
      push('other', i, i + codePoint.length);
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', position: input.length, spaced });
  return tokens;
}

/**
 * Reads a quoted string starting at `start`. Inside it, the quote doubled ('it''s') or a backslash before a quote
 * or a backslash stands for that character; any other backslash is kept, so LIKE patterns can escape % and _.
 */
function readQuoted(input: string, start: number, what: string): { value: string; end: number } {
  const quote = input[start] as string;
  let value = '';
  let i = start + 1;
  while (i < input.length) {
    const c = input[i] as string;
    const next = input[i + 1];
    if (c === '\\' && next !== undefined && ESCAPABLE.includes(next)) {
      value += next;
      i += 2;
    } else if (c === quote && next === quote) {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else {
      value += c;
      i += 1;
    }
  }
  throw syntaxError(what, input, start, `unterminated string: the ${quote} opened here is never closed.`);
}

/** Numbers: optional sign, digits with optional fraction (or a leading-dot fraction), optional exponent. */
function readNumberOrWord(
  input: string,
  start: number,
  push: (kind: TokenKind, start: number, end: number, value?: string | number) => void,
): void {
  let i = start;
  if (input[i] === '-' || input[i] === '+') i += 1;
  while (isDigit(input[i])) i += 1;
  let plainInteger = isDigit(input[start]);
  if (input[i] === '.') {
    plainInteger = false;
    i += 1;
    while (isDigit(input[i])) i += 1;
  }
  if (input[i] === 'e' || input[i] === 'E') {
    const signed = input[i + 1] === '-' || input[i + 1] === '+';
    if (isDigit(input[i + (signed ? 2 : 1)])) {
      plainInteger = false;
      i += signed ? 2 : 1;
      while (isDigit(input[i])) i += 1;
    }
  }
  if (!isWordChar(input[i])) {
    push('number', start, i, Number(input.slice(start, i)));
    return;
  }
  // Digits running into letters: a name such as `5fold` if it began as a plain integer, else junk like `1.5x`.
  let end = i;
  while (isWordChar(input[end])) end += 1;
  push(plainInteger ? 'word' : 'other', start, end);
}
