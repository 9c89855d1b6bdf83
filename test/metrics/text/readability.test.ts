import { syllable } from 'syllable';
import { describe, expect, it } from 'vitest';
import {
  ariGrades,
  automatedReadabilityIndex,
  fleschKincaidGrade,
  fleschKincaidGrades,
  letterCount,
  removePunctuation,
  roundTo1Decimal,
  sentenceCount,
  syllableCount,
  wordCount,
} from '../../../metrics/text/index.js';

describe('textstat counts', () => {
  it('counts words after removing punctuation; hyphenated words and contractions are one word', () => {
    expect(wordCount('The cat sat on the mat.')).toBe(6);
    expect(wordCount("Well-known facts aren't always true, are they?")).toBe(7);
    expect(wordCount(' ... !!! ')).toBe(0);
    expect(wordCount('')).toBe(0);
    expect(removePunctuation("'quoted' isn't well-known.")).toBe("quoted isn't wellknown");
  });

  it('counts sentences, ignoring those of two words or fewer, at least 1 for a non-empty text', () => {
    expect(sentenceCount('The cat sat on the mat. The dog ran to the big red ball.')).toBe(2);
    expect(sentenceCount('Mr. Smith went to Washington. He liked it there.')).toBe(2);
    expect(sentenceCount('Hi. I am here. Go!')).toBe(1);
    expect(sentenceCount('Hello')).toBe(1);
    expect(sentenceCount('!!!')).toBe(1);
    expect(sentenceCount('')).toBe(0);
  });

  it('counts letters without whitespace and punctuation, in code points', () => {
    expect(letterCount('a $!&#@*b')).toBe(2);
    expect(letterCount('a_b 1,2')).toBe(5);
    expect(letterCount('𝒳y')).toBe(2);
  });

  it('counts syllables per word with the syllable package, at least one per word', () => {
    expect(syllableCount('The happy elephant')).toBe(1 + 2 + 3);
    expect(syllable('2024')).toBe(0);
    expect(syllableCount('2024 cats')).toBe(2);
  });
});

describe('flesch_kincaid_grade_level and ari_grade_level', () => {
  // 14 words (6 + 8), 2 sentences, 14 one-syllable words, 41 letters.
  const text = 'The cat sat on the mat. The dog ran to the big red ball.';

  it('matches hand-computed grades', () => {
    // 0.39·14/2 + 11.8·14/14 − 15.59 = 2.73 + 11.8 − 15.59 = −1.06 → −1.1
    expect(fleschKincaidGrade(text)).toBe(-1.1);
    // 4.71·41/14 + 0.5·14/2 − 21.43 = 13.7936 + 3.5 − 21.43 = −4.136 → −4.1
    expect(automatedReadabilityIndex(text)).toBe(-4.1);
    // "The happy elephant sat." 4 words, 1 sentence, 7 syllables, 19 letters.
    // FK: 0.39·4 + 11.8·7/4 − 15.59 = 1.56 + 20.65 − 15.59 = 6.62 → 6.6; ARI: 4.71·19/4 + 0.5·4 − 21.43 = 2.9425 → 2.9
    expect(fleschKincaidGrade('The happy elephant sat.')).toBe(6.6);
    expect(automatedReadabilityIndex('The happy elephant sat.')).toBe(2.9);
  });

  it('is 0.0 for a text without words (a division by zero)', () => {
    for (const t of ['', '   ', '?!', '...']) {
      expect(fleschKincaidGrade(t)).toBe(0);
      expect(automatedReadabilityIndex(t)).toBe(0);
    }
  });

  it('rounds to 1 decimal as Python round() does', () => {
    expect([0.25, 0.75, -0.25, 2.35, 1.45, 0.05, -0.04, 3].map(roundTo1Decimal)).toEqual([0.2, 0.8, -0.2, 2.4, 1.4, 0.1, 0, 3]);
  });

  it('scores columns and rejects non-strings with the row', () => {
    expect(fleschKincaidGrades([text, ''])).toEqual([-1.1, 0]);
    expect(ariGrades([text])).toEqual([-4.1]);
    expect(() => ariGrades(['ok', null])).toThrow(/predictions must hold strings, but row 1 has null/);
  });
});
