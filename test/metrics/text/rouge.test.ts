import { describe, expect, it } from 'vitest';
import { EvalflowError } from '../../../src/core/errors.js';
import { rouge, rougeScores, rougeTokens, type RougeType } from '../../../metrics/text/index.js';
import { rougeTokenIds, TokenInterner } from '../../../metrics/text/rouge-tokenizer.js';

const f = (target: string, prediction: string, type: RougeType): number => rouge(target, prediction, type).fmeasure;

describe('ROUGE tokenizer (rouge_score default, no stemmer)', () => {
  it('lowercases, splits on every non-[a-z0-9] run and keeps ASCII alphanumeric tokens', () => {
    expect(rougeTokens("The QUICK, brown-fox's 2nd_jump!")).toEqual(['the', 'quick', 'brown', 'fox', 's', '2nd', 'jump']);
    expect(rougeTokens('Café au lait')).toEqual(['caf', 'au', 'lait']);
    expect(rougeTokens('日本語のテキスト')).toEqual([]);
    expect(rougeTokens('naïve résumé')).toEqual(['na', 've', 'r', 'sum']);
    // Lowercasing can produce ASCII: "İ" → "i̇" (i + combining dot), KELVIN SIGN → "k".
    expect(rougeTokens('İstanbul \u212Aelvin')).toEqual(['i', 'stanbul', 'kelvin']);
    expect(rougeTokens('')).toEqual([]);
  });

  it('gives the same tokens on its fast path as the regex definition', () => {
    const texts = ['Hello, World! 42 times', 'İstanbul and \u212A', 'tabs\tand\nnewlines  ', 'MiXeD ÇaSe ünïcödé', '😀 emoji 😀x'];
    for (const text of texts) {
      const interner = new TokenInterner();
      const ids = rougeTokenIds(text, interner);
      const back = new Map<number, string>();
      for (const token of rougeTokens(text)) back.set(interner.id(token), token);
      expect(ids.map((id) => back.get(id)), text).toEqual(rougeTokens(text));
    }
  });
});

describe('rouge1 / rouge2 / rougeL', () => {
  it('matches hand-computed scores', () => {
    // T = the quick brown fox (4), P = the quick red fox jumps (5): 3 common unigrams, 1 common bigram, LCS 3.
    const target = 'The quick brown fox';
    const prediction = 'the quick red fox jumps';
    expect(rouge(target, prediction, 'rouge1')).toEqual({ precision: 3 / 5, recall: 3 / 4, fmeasure: (2 * (3 / 5) * (3 / 4)) / (3 / 5 + 3 / 4) });
    expect(f(target, prediction, 'rouge1')).toBeCloseTo(2 / 3, 15);
    expect(rouge(target, prediction, 'rouge2')).toEqual({ precision: 1 / 4, recall: 1 / 3, fmeasure: (2 * (1 / 4) * (1 / 3)) / (1 / 4 + 1 / 3) });
    expect(f(target, prediction, 'rouge2')).toBeCloseTo(2 / 7, 15);
    expect(f(target, prediction, 'rougeL')).toBeCloseTo(2 / 3, 15);
  });

  it('counts repeated n-grams with min(count in target, count in prediction)', () => {
    // T = a a a b, P = a a: overlap 2 → P 1, R 1/2.
    expect(rouge('a a a b', 'a a', 'rouge1')).toMatchObject({ precision: 1, recall: 0.5 });
    // Bigrams T: aa aa ab, P: aa → overlap 1: P 1, R 1/3.
    expect(rouge('a a a b', 'a a', 'rouge2')).toMatchObject({ precision: 1, recall: 1 / 3 });
  });

  it('scores one-token texts: rouge2 is 0 even when they are identical', () => {
    expect(f('cat', 'cat', 'rouge1')).toBe(1);
    expect(f('cat', 'cat', 'rouge2')).toBe(0);
    expect(f('cat', 'cat', 'rougeL')).toBe(1);
    expect(f('cat', 'cat', 'rougeLsum')).toBe(1);
    expect(f('cat', 'dog', 'rouge1')).toBe(0);
  });

  it('gives 0 when a text has no tokens (empty, punctuation, CJK)', () => {
    for (const type of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const) {
      expect(f('', '', type)).toBe(0);
      expect(f('a b', '', type)).toBe(0);
      expect(f('!!!', 'a', type)).toBe(0);
      expect(f('日本語', '日本語', type)).toBe(0);
    }
  });

  it('splits non-ASCII words as rouge_score does', () => {
    // caf au lait vs cafe au lait: 2 of 3 tokens in common.
    expect(f('Café au lait', 'cafe au lait', 'rouge1')).toBeCloseTo(2 / 3, 15);
    expect(f('Café au lait', 'CAFÉ AU LAIT', 'rouge1')).toBe(1);
  });

  it('is case-insensitive and ignores punctuation', () => {
    expect(f('Hello, world!', 'hello world', 'rougeL')).toBe(1);
  });
});

describe('rougeLsum', () => {
  it('scores sentence by sentence (split on newlines), unlike rougeL', () => {
    // rougeL over the whole texts: LCS 3 of 6 → 0.5. rougeLsum: each reference sentence matches one prediction sentence.
    expect(f('a b c\nd e f', 'd e f\na b c', 'rougeL')).toBe(0.5);
    expect(f('a b c\nd e f', 'd e f\na b c', 'rougeLsum')).toBe(1);
  });

  it('drops empty lines and equals rougeL without newlines', () => {
    expect(f('a b c\n\n\nd e f', 'd e f\n\na b c\n', 'rougeLsum')).toBe(1);
    const pairs = [
      ['the cat sat on the mat', 'the cat was on a mat today'],
      ['a b a b a', 'b a b'],
      ['police killed the gunman', 'the gunman police killed'],
    ] as const;
    for (const [t, p] of pairs) expect(f(t, p, 'rougeLsum'), `${t} | ${p}`).toBe(f(t, p, 'rougeL'));
  });

  it('takes the union of LCS positions and uses each token count once (rouge_score tie rules)', () => {
    // Reference sentences [a b], [a]; prediction [b a]. The backtrack picks "a" for [a b] vs [b a] (up on ties), which
    // uses up the prediction's only "a": 1 hit. P = 1/2, R = 1/3, F = 0.4 (picking "b" would give 0.8).
    expect(rouge('a b\na', 'b a', 'rougeLsum')).toEqual({ precision: 1 / 2, recall: 1 / 3, fmeasure: 0.4 });
    // Two reference sentences, the second overlapping two prediction sentences: union of both LCSs.
    // Ref: [w1 w2 w3 w4 w5] / pred: [w1 w2 w6 w7 w8], [w9 w3 w10 w5 w11] — the standard rouge_score docstring example.
    const score = rouge('w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5', 'rougeLsum');
    // LCS with sentence 1: w1 w2; with sentence 2: w1 w3 w5 → union w1 w2 w3 w5 = 4 hits. R = 4/5, P = 4/10.
    expect(score.recall).toBe(4 / 5);
    expect(score.precision).toBe(4 / 10);
  });

  it('handles repeated tokens across sentences', () => {
    // "a a" + "a" vs "a": one hit in all. P = 1, R = 1/3.
    expect(rouge('a a\na', 'a', 'rougeLsum')).toMatchObject({ precision: 1, recall: 1 / 3, fmeasure: 0.5 });
  });
});

describe('rougeScores', () => {
  it('gives the per-row F-measure', () => {
    const scores = rougeScores(['cat', 'The quick brown fox'], ['cat', 'the quick red fox jumps'], 'rouge1');
    expect(scores).toBeInstanceOf(Float64Array);
    expect(scores[0]).toBe(1);
    expect(scores[1]).toBeCloseTo(2 / 3, 15);
  });

  it('names the column, row and type of a bad value', () => {
    const error = (() => {
      try {
        rougeScores(['a', 'b'], ['a', 7], 'rougeL');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EvalflowError);
    expect((error as EvalflowError).message).toMatch(/predictions must hold strings, but row 1 has the number 7/);
    expect((error as EvalflowError).details).toEqual({ column: 'predictions', row: 1 });
    expect(() => rougeScores(['a'], ['a', 'b'], 'rouge1')).toThrow(/1 rows but the predictions have 2/);
    expect(() => rougeScores(['a'], ['a'], 'rouge3' as RougeType)).toThrow(/Unknown ROUGE type/);
  });
});
