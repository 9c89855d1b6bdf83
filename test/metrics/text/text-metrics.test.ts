import { describe, expect, it } from 'vitest';
import { EvalflowError } from '../../../src/core/errors.js';
import {
  exactMatch,
  latencyMetricValue,
  scoredMetricValue,
  TEXT_METRICS,
  tokenCount,
  tokenCounts,
  toxicityMetricValue,
  toxicityRatio,
  toxicityScore,
} from '../../../metrics/text/index.js';

describe('exact_match', () => {
  it('is the share of exactly equal pairs, case-sensitive', () => {
    expect(exactMatch(['Paris', 'Bonn', 'rome', '4'], ['Paris', 'Berlin', 'Rome', '4'])).toBe(0.5);
    expect(exactMatch([4, true], [4, true])).toBe(1);
    expect(exactMatch(['4'], [4])).toBe(0);
  });

  it('rejects other values, naming the column and row', () => {
    expect(() => exactMatch(['a', null], ['a', 'b'])).toThrow(EvalflowError);
    expect(() => exactMatch(['a', null], ['a', 'b'])).toThrow(/row 1 of the targets has null/);
    expect(() => exactMatch(['a'], ['a', 'b'])).toThrow(/1 rows but the predictions have 2/);
    expect(() => exactMatch([], [])).toThrow(/at least one row/);
  });
});

describe('token_count', () => {
  it('counts cl100k_base tokens, null for non-strings', async () => {
    expect(await tokenCounts(['hello world', '', 'tiktoken is great!', 5, null])).toEqual([2, 0, 6, null, null]);
    expect(await tokenCount('hello world')).toBe(2);
  });

  it('counts special-token text as ordinary text', async () => {
    expect(await tokenCount('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('has no aggregates: it is a plain column', () => {
    expect(TEXT_METRICS.token_count).toMatchObject({ key: 'token_count', column: 'plain' });
  });
});

describe('toxicity scoring', () => {
  it('scores a row by its highest category score', () => {
    expect(toxicityScore({ harassment: 0.2, violence: 0.7, sexual: 0.1 })).toBe(0.7);
    expect(() => toxicityScore({}, 3)).toThrow(/row 3 has no category scores/);
    expect(() => toxicityScore({ hate: 'high' }, 1)).toThrow(/non-numeric score for "hate"/);
    expect(() => toxicityScore(null, 2)).toThrow(/row 2 has no category_scores/);
  });

  it('aggregates mean, variance, p90 and the share of scores ≥ 0.5', () => {
    expect(toxicityRatio([0.1, 0.5, 0.9, 0.2])).toBe(0.5);
    const value = toxicityMetricValue([0.1, 0.5, 0.9, 0.2]);
    expect(value.scores).toEqual([0.1, 0.5, 0.9, 0.2]);
    expect(value.aggregateResults?.ratio).toBe(0.5);
    expect(value.aggregateResults?.mean).toBeCloseTo(0.425, 15);
    // population variance: mean of squared deviations
    expect(value.aggregateResults?.variance).toBeCloseTo((0.325 ** 2 + 0.075 ** 2 + 0.475 ** 2 + 0.225 ** 2) / 4, 15);
    // p90: position 0.9·3 = 2.7 of [0.1, 0.2, 0.5, 0.9] → 0.5 + 0.7·0.4 = 0.78
    expect(value.aggregateResults?.p90).toBeCloseTo(0.78, 15);
    expect(TEXT_METRICS.toxicity.key).toBe('toxicity/v1');
  });
});

describe('latency and scored metrics', () => {
  it('latency is scores only', () => {
    const value = latencyMetricValue(Float64Array.from([0.5, 1.5]));
    expect(value.scores).toEqual([0.5, 1.5]);
    expect(value.aggregateResults).toEqual({});
  });

  it('scored metrics get the standard aggregations', () => {
    expect(scoredMetricValue([1, 2, 3, 4, 10]).aggregateResults).toEqual({ mean: 4, variance: 10, p90: 7.6000000000000005 });
  });
});
