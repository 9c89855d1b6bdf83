import { describe, expect, it } from 'vitest';
import { EvalflowError } from '../../src/core/errors.js';
import {
  isValidK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  requireIdRows,
  retrievalMetricName,
  retrievalScores,
} from '../../metrics/retrieval.js';

const d = (i: number): number => 1 / Math.log2(i + 2);

describe('precision_at_k', () => {
  it('counts retrieved[:k] in the ground truth over |retrieved[:k]|', () => {
    expect(precisionAtK(['a', 'b', 'c', 'd'], ['a', 'c'], 3)).toBe(2 / 3);
    expect(precisionAtK(['a', 'b', 'c', 'd'], ['d'], 3)).toBe(0);
  });
  it('counts duplicates each time', () => {
    expect(precisionAtK(['a', 'a', 'b'], ['a'], 3)).toBe(2 / 3);
  });
  it('uses the whole list when k is larger', () => {
    expect(precisionAtK(['a'], ['a'], 10)).toBe(1);
  });
  it('is 0 for an empty retrieval, even with an empty ground truth', () => {
    expect(precisionAtK([], ['a'], 3)).toBe(0);
    expect(precisionAtK([], [], 3)).toBe(0);
    expect(precisionAtK(['a'], [], 3)).toBe(0);
  });
  it('compares ids by type: "1" is not 1', () => {
    expect(precisionAtK([1, 2], [2], 2)).toBe(0.5);
    expect(precisionAtK(['2'], [2], 2)).toBe(0);
  });
});

describe('recall_at_k', () => {
  it('is |G ∩ set(retrieved[:k])| / |G|', () => {
    expect(recallAtK(['a', 'a', 'b'], ['a', 'c'], 3)).toBe(0.5);
    expect(recallAtK(['x', 'y', 'a'], ['a'], 2)).toBe(0);
    expect(recallAtK(['a', 'b'], ['a', 'a', 'b'], 5)).toBe(1);
  });
  it('with an empty ground truth: 1 when nothing is retrieved, else 0', () => {
    expect(recallAtK([], [], 3)).toBe(1);
    expect(recallAtK(['a'], [], 3)).toBe(0);
    expect(recallAtK([], ['a'], 3)).toBe(0);
  });
});

describe('ndcg_at_k', () => {
  it('matches hand-computed binary-relevance NDCG', () => {
    // relevant at ranks 0 and 2 of 3; ideal: 2 relevant at ranks 0, 1.
    expect(ndcgAtK(['a', 'b', 'c'], ['a', 'c'], 3)).toBeCloseTo((d(0) + d(2)) / (d(0) + d(1)), 14);
    expect(ndcgAtK(['a', 'b', 'c'], ['a', 'c'], 3)).toBeCloseTo(0.9197207891481876, 14);
  });
  it('keeps the retrieved order (ties ignored): relevance at a lower rank scores less', () => {
    expect(ndcgAtK(['a', 'x'], ['a'], 2)).toBe(1);
    expect(ndcgAtK(['x', 'a'], ['a'], 2)).toBeCloseTo(d(1), 14);
  });
  it('counts a repeated relevant document as relevant and as one more ideal document', () => {
    // [a, a, b] with G = {a}: DCG = d0 + d1; G' has 2 documents → IDCG = d0 + d1 → 1.
    expect(ndcgAtK(['a', 'a', 'b'], ['a'], 3)).toBeCloseTo(1, 14);
    // [b, a, a]: DCG = d1 + d2, IDCG = d0 + d1.
    expect(ndcgAtK(['b', 'a', 'a'], ['a'], 3)).toBeCloseTo((d(1) + d(2)) / (d(0) + d(1)), 14);
    // A repeated irrelevant document changes nothing in the ideal set.
    expect(ndcgAtK(['b', 'b', 'a'], ['a'], 3)).toBeCloseTo(d(2) / d(0), 14);
  });
  it('uses min(k, |retrieved|) and the ideal set cut to it', () => {
    expect(ndcgAtK(['b', 'a'], ['a'], 10)).toBeCloseTo(d(1) / d(0), 14);
    expect(ndcgAtK(['a', 'b'], ['a', 'b', 'c', 'd', 'e'], 3)).toBeCloseTo(1, 14);
    expect(ndcgAtK(['b', 'c', 'a'], ['a'], 2)).toBe(0);
  });
  it('both lists empty → 1; exactly one empty → 0', () => {
    expect(ndcgAtK([], [], 3)).toBe(1);
    expect(ndcgAtK(['a'], [], 3)).toBe(0);
    expect(ndcgAtK([], ['a'], 3)).toBe(0);
    expect(ndcgAtK(['x'], ['a'], 3)).toBe(0);
  });
});

describe('k and inputs', () => {
  it('accepts only positive whole k', () => {
    expect([3, 1, 10].every(isValidK)).toBe(true);
    expect([0, -1, 2.5, Number.NaN, '3', undefined].some(isValidK)).toBe(false);
    expect(() => precisionAtK(['a'], ['a'], 0)).toThrow(EvalflowError);
    expect(() => ndcgAtK(['a'], ['a'], -1)).toThrow(/k must be a positive whole number/);
  });

  it('names metrics at k', () => {
    expect(retrievalMetricName('precision_at_k', 3)).toBe('precision_at_3');
    expect(retrievalMetricName('ndcg_at_k', 10)).toBe('ndcg_at_10');
  });

  it('scores rows, with integer typed arrays as lists', () => {
    const scores = retrievalScores('recall_at_k', [['a', 'b'], Int32Array.from([1, 2])], [['b'], [3, 2]], 3);
    expect(Array.from(scores)).toEqual([1, 0.5]);
  });

  it('names the column and row of a row that is not a list of ids', () => {
    expect(() => requireIdRows([['a'], 'a'], 'retrieved documents')).toThrow(/retrieved documents must hold a list of document ids .* row 1 has the string "a"/);
    expect(() => requireIdRows([['a', 1.5]], 'ground truth')).toThrow(/row 0 has a list whose item 1 is the number 1.5/);
    expect(() => retrievalScores('ndcg_at_k', [['a']], [['a'], ['b']], 3)).toThrow(/1 rows of retrieved documents but 2 rows/);
    try {
      requireIdRows([['a'], [{}]], 'ground truth');
    } catch (error) {
      expect((error as EvalflowError).details).toEqual({ column: 'ground truth', row: 1 });
    }
  });
});
