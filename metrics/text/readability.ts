import { EvalflowError } from '../../src/core/errors.js';
import { requireStrings } from './inputs.js';
import { letterCount, sentenceCount, syllableCount, wordCount } from './textstat.js';

/**
 * Python's `round(x, 1)`: the decimal nearest to the exact value of x; exact ties (x.x25, x.x75 … are the only
 * ones a double can hold) go to the even digit.
 */
export function roundTo1Decimal(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Number.isInteger(x * 4) && !Number.isInteger(x * 2)) {
    const low = Math.floor(x * 10);
    return (low % 2 === 0 ? low : low + 1) / 10;
  }
  const rounded = Number(x.toFixed(1));
  return rounded === 0 ? 0 : rounded;
}

/**
 * textstat's Flesch–Kincaid grade: 0.39·words/sentences + 11.8·syllables/words − 15.59, rounded to 1 decimal;
 * 0.0 for a text without words (a division by zero).
 */
export function fleschKincaidGrade(text: string): number {
  if (typeof text !== 'string') throw EvalflowError.invalid('fleschKincaidGrade needs a string.');
  const words = wordCount(text);
  const sentences = sentenceCount(text);
  if (words === 0 || sentences === 0) return 0;
  return roundTo1Decimal(0.39 * (words / sentences) + 11.8 * (syllableCount(text) / words) - 15.59);
}

/**
 * textstat's automated readability index: 4.71·chars/words + 0.5·words/sentences − 21.43, rounded to 1 decimal,
 * with chars excluding whitespace and punctuation; 0.0 for a text without words (a division by zero).
 */
export function automatedReadabilityIndex(text: string): number {
  if (typeof text !== 'string') throw EvalflowError.invalid('automatedReadabilityIndex needs a string.');
  const words = wordCount(text);
  const sentences = sentenceCount(text);
  if (words === 0 || sentences === 0) return 0;
  return roundTo1Decimal(4.71 * (letterCount(text) / words) + 0.5 * (words / sentences) - 21.43);
}

/** `flesch_kincaid_grade_level/v1` per row; every value must be a string. */
export function fleschKincaidGrades(predictions: readonly unknown[]): number[] {
  return requireStrings(predictions, 'predictions').map(fleschKincaidGrade);
}

/** `ari_grade_level/v1` per row; every value must be a string. */
export function ariGrades(predictions: readonly unknown[]): number[] {
  return requireStrings(predictions, 'predictions').map(automatedReadabilityIndex);
}
