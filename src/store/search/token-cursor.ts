import type { EvalflowError } from '../../core/errors.js';
import { syntaxError } from './syntax-error.js';
import { tokenize, type Token } from './tokenizer.js';

/** A position in a token list, with the error helper every parse step shares. */
export class TokenCursor {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    readonly text: string,
    readonly what: string,
    private readonly details: Record<string, unknown> = {},
  ) {
    this.tokens = tokenize(text, what);
  }

  peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    return this.tokens[this.index + ahead] ?? last;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  /** Whether the next token is the keyword `word` (keywords are case-insensitive). */
  isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.text.toUpperCase() === word;
  }

  error(at: Token | number, message: string): EvalflowError {
    return syntaxError(this.what, this.text, typeof at === 'number' ? at : at.position, message, this.details);
  }
}

/** A token as a message names it: `end of input`, `the string 'abc'`, or `'>>'`. */
export function describeToken(token: Token): string {
  if (token.kind === 'end') return 'end of input';
  if (token.kind === 'string') return `the string ${token.text}`;
  return `'${token.text}'`;
}
