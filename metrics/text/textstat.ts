import { syllable } from 'syllable';

/**
 * Text counts as textstat makes them (textstat/backend/counts), for the readability grades. Python's `\w` is a
 * Unicode letter, digit or "_", its `\s` and `str.split()` use Python's whitespace set; both are spelled out here.
 */

const WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WORD = '\\p{L}\\p{N}_';
const WHITESPACE_RUN = new RegExp(`[${WS}]+`, 'u');
const PUNCTUATION_BUT_APOSTROPHE = new RegExp(`[^${WORD}${WS}']`, 'gu');
// An apostrophe that does not start a contraction ending ('t 's 'd 've 'll 're at a word end).
const LONE_APOSTROPHE = new RegExp(`'(?!(?:[tsd]|ve|ll|re)(?![${WORD}]))`, 'gu');
// `\b[^.!?]+[.!?]*`: a sentence starts at a word character and runs to its end marks.
const SENTENCE = new RegExp(`[${WORD}][^.!?]*[.!?]*`, 'gu');
const NOT_COUNTED_CHARS = new RegExp(`[^${WORD}]`, 'gu');

/** Python's `str.split()`: whitespace-separated pieces, none empty. */
function split(text: string): string[] {
  return text.split(WHITESPACE_RUN).filter((piece) => piece !== '');
}

/**
 * textstat's `remove_punctuation(text, rm_apostrophe=False)`: punctuation goes (hyphens too, so "well-known" is one
 * word); apostrophes stay only inside English contractions.
 */
export function removePunctuation(text: string): string {
  return text.replace(LONE_APOSTROPHE, '').replace(PUNCTUATION_BUT_APOSTROPHE, '');
}

/** textstat's `lexicon_count`: words after punctuation is removed. */
export function wordCount(text: string): number {
  return split(removePunctuation(text)).length;
}

/**
 * textstat's `sentence_count`: runs of text from a word character up to `.`, `!` or `?` (and the marks after it);
 * runs of at most two words are not counted; at least 1 for a non-empty text, 0 for "".
 */
export function sentenceCount(text: string): number {
  if (text.length === 0) return 0;
  const sentences = text.match(SENTENCE) ?? [];
  let ignored = 0;
  for (const sentence of sentences) if (wordCount(sentence) <= 2) ignored += 1;
  return Math.max(1, sentences.length - ignored);
}

/** Characters other than whitespace and punctuation (letters, digits, "_"), counted in code points as Python does. */
export function letterCount(text: string): number {
  const kept = text.replace(NOT_COUNTED_CHARS, '');
  let count = 0;
  for (let i = 0; i < kept.length; i += 1) {
    const c = kept.charCodeAt(i);
    // A surrogate pair is one character.
    if (c < 0xdc00 || c > 0xdfff) count += 1;
  }
  return count;
}

const syllableCache = new Map<string, number>();
const SYLLABLE_CACHE_LIMIT = 50_000;

/** Syllables of one lowercase word: the `syllable` package's count, at least 1 (as textstat's Pyphen count is). */
function wordSyllables(word: string): number {
  let count = syllableCache.get(word);
  if (count === undefined) {
    count = Math.max(1, syllable(word));
    if (syllableCache.size >= SYLLABLE_CACHE_LIMIT) syllableCache.clear();
    syllableCache.set(word, count);
  }
  return count;
}

/** textstat's `syllable_count`: the syllables of each word of the lowercased text without punctuation. */
export function syllableCount(text: string): number {
  let total = 0;
  for (const word of split(removePunctuation(text.toLowerCase()))) total += wordSyllables(word);
  return total;
}

/** Counts used by both grades, from one pass per kind. */
export interface TextCounts {
  words: number;
  sentences: number;
  syllables: number;
  letters: number;
}

export function textCounts(text: string): TextCounts {
  return { words: wordCount(text), sentences: sentenceCount(text), syllables: syllableCount(text), letters: letterCount(text) };
}
