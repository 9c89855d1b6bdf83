import { describe, expect, it } from 'vitest';
import { Feedback } from '../../src/assessments/entities.js';
import { EvalflowError } from '../../src/core/errors.js';
import { scorer, scorerErrorFeedback, toFeedbacks } from '../../judges/index.js';
import { makeTrace } from './helpers.js';

describe('scorer()', () => {
  it('turns a number, boolean or string into one feedback named after the scorer, source CODE', async () => {
    const exactMatch = scorer(function exactMatch({ outputs, expectations }) {
      return outputs === expectations?.expected_response;
    });
    expect(exactMatch.name).toBe('exactMatch');
    expect(exactMatch.kind).toBe('code');
    expect(exactMatch.aggregations).toBeNull();
    const [feedback] = await exactMatch.score({ outputs: 'Paris', expectations: { expected_response: 'Paris' } });
    expect(feedback).toMatchObject({ name: 'exactMatch', value: true, source: { sourceType: 'CODE', sourceId: 'exactMatch' } });

    const length = scorer(({ outputs }) => String(outputs).length, { name: 'length', aggregations: ['mean', 'max'] });
    expect(length.aggregations).toEqual(['mean', 'max']);
    expect((await length.score({ outputs: 'abcd' }))[0]?.value).toBe(4);
    const label = scorer(async () => 'good', { name: 'label' });
    expect((await label.score({}))[0]?.value).toBe('good');
  });

  it('gives the function inputs, outputs, expectations and trace', async () => {
    const trace = makeTrace([{ id: '1', inputs: { q: 1 }, outputs: 2 }]);
    let seen: unknown;
    const spy = scorer((input) => {
      seen = input;
      return null;
    }, { name: 'spy' });
    expect(await spy.score({ inputs: { q: 1 }, outputs: 2, expectations: { e: 3 }, trace })).toEqual([]);
    expect(seen).toEqual({ inputs: { q: 1 }, outputs: 2, expectations: { e: 3 }, trace });
  });

  it('keeps named feedback, renames default-named feedback, and keeps each feedback’s source and rationale', async () => {
    const multi = scorer(
      () => [
        new Feedback({ name: 'tone', value: 'polite', rationale: 'says please' }),
        new Feedback({ value: 0.5, source: { sourceType: 'HUMAN', sourceId: 'ann' } }),
        new Feedback({ name: 'auto', value: 1, metadata: { _user_defined_assessment_name: 'false' } }),
      ],
      { name: 'style' },
    );
    const feedbacks = await multi.score({});
    expect(feedbacks.map((f) => f.name)).toEqual(['tone', 'style', 'style']);
    expect(feedbacks[0]?.rationale).toBe('says please');
    expect(feedbacks[1]?.source).toMatchObject({ sourceType: 'HUMAN', sourceId: 'ann' });
    expect(feedbacks[1]?.value).toBe(0.5);
  });

  it('returns no feedback for null and undefined', () => {
    expect(toFeedbacks(null, 's')).toEqual([]);
    expect(toFeedbacks(undefined, 's')).toEqual([]);
    expect(toFeedbacks([], 's')).toEqual([]);
  });

  it('rejects any other return value with the spec message', async () => {
    const bad = scorer(() => ({ score: 1 }) as never, { name: 'bad' });
    await expect(bad.score({})).rejects.toThrow('bad must return one of int, float, bool, str, Feedback, or list[Feedback]. Got object');
    expect(() => toFeedbacks([1, 2], 'list')).toThrow('list must return one of int, float, bool, str, Feedback, or list[Feedback]. Got list');
    expect(() => toFeedbacks(new Date(0), 'date')).toThrow(/Got Date$/);
  });

  it('lets a throwing function reject, and scorerErrorFeedback records it as SCORER_ERROR', async () => {
    const broken = scorer(() => {
      throw new TypeError('no outputs');
    }, { name: 'broken' });
    const error = await broken.score({}).catch((e: unknown) => e);
    const feedback = scorerErrorFeedback(broken.name, error);
    expect(feedback.value).toBeNull();
    expect(feedback.source).toMatchObject({ sourceType: 'CODE', sourceId: 'broken' });
    expect(feedback.error).toMatchObject({ errorCode: 'SCORER_ERROR', errorMessage: 'no outputs' });
    expect(feedback.error?.stackTrace).toContain('TypeError');
  });

  it('checks the name and the aggregations', () => {
    expect(() => scorer((() => () => 1)())).toThrow(EvalflowError);
    expect(() => scorer(() => 1, { name: 'x', aggregations: ['avg' as never] })).toThrow(/Invalid aggregation "avg"/);
    expect(() => scorer(() => 1, { name: 'x', aggregations: [(() => (v: readonly number[]) => v.length)()] })).toThrow(/named function/);
    function spread(values: readonly number[]): number {
      return Math.max(...values) - Math.min(...values);
    }
    expect(scorer(() => 1, { name: 'x', aggregations: ['p90', spread] }).aggregations).toEqual(['p90', spread]);
  });
});
