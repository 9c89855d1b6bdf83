import { describe, expect, it } from 'vitest';
import { ErrorCode, evaluate, makeMetric, MetricValue } from '../../src/index.js';
import { setLogSink } from '../../src/core/logger.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

const data = { question: ['a', 'b', 'c', 'd'], answer: ['x', 'y', 'z', 'w'], truth: ['x', 'y', 'q', 'w'] };

const exactness = makeMetric({
  name: 'exactness',
  version: 'v1',
  greaterIsBetter: true,
  requires: ['targets'],
  evalFn: ({ predictions, targets }) =>
    new MetricValue({ scores: predictions.map((p, i) => (p === targets?.[i] ? 1 : 0)) }),
});

describe('makeMetric', () => {
  it('names a metric after its function, or requires a name', () => {
    function lengthRatio(): number {
      return 1;
    }
    expect(makeMetric({ evalFn: lengthRatio, greaterIsBetter: true }).key).toBe('lengthRatio');
    expect(makeMetric({ evalFn: lengthRatio, greaterIsBetter: true, name: 'lr', version: 'v2' }).key).toBe('lr/v2');
    expect(() => makeMetric({ evalFn: (() => () => 1)(), greaterIsBetter: true })).toThrow(/`name` must be specified/);
    expect(() => makeMetric({ evalFn: lengthRatio, greaterIsBetter: true, name: 'a/b' })).toThrow(
      "Invalid metric name 'a/b'. Metric names cannot include forward slashes ('/').",
    );
  });

  it('MetricValue aggregates numeric scores: mean, population variance, linear p90', () => {
    // numpy: np.mean, np.var (ddof 0), np.percentile(x, 90) print 4.0, 10.0, 7.6000000000000005 and 2.8.
    const value = new MetricValue({ scores: [1, 2, 3, 4, 10] });
    expect(value.aggregateResults).toEqual({ mean: 4, variance: 10, p90: 7.6000000000000005 });
    expect(new MetricValue({ scores: [3, 1, 2] }).aggregateResults?.p90).toBe(2.8);
    expect(() => new MetricValue({ scores: [] }).aggregateResults).not.toThrow();
    expect(new MetricValue({ scores: ['a', 'b'] }).aggregateResults).toBeUndefined();
  });
});

describe('evaluate with extraMetrics', () => {
  it('logs aggregates as key/aggregate and per-row scores in the eval results table', async () => {
    const result = await evaluate(null, data, {
      targets: 'truth',
      predictions: 'answer',
      extraMetrics: [exactness],
    });
    expect(result.metrics).toEqual({
      'exactness/v1/mean': 0.75,
      'exactness/v1/variance': 0.1875,
      'exactness/v1/p90': 1,
    });
    expect(result.tables.eval_results_table).toEqual([
      { question: 'a', truth: 'x', answer: 'x', 'exactness/v1/score': 1 },
      { question: 'b', truth: 'y', answer: 'y', 'exactness/v1/score': 1 },
      { question: 'c', truth: 'q', answer: 'z', 'exactness/v1/score': 0 },
      { question: 'd', truth: 'w', answer: 'w', 'exactness/v1/score': 1 },
    ]);
    expect(await result.loadArtifact('eval_results_table')).toEqual({
      columns: ['question', 'truth', 'answer', 'exactness/v1/score'],
      data: [
        ['a', 'x', 'x', 1],
        ['b', 'y', 'y', 1],
        ['c', 'q', 'z', 0],
        ['d', 'w', 'w', 1],
      ],
    });
  });

  it('logs a bare number under the metric key, and an aggregate named like the metric as the key itself', async () => {
    const count = makeMetric({ name: 'rows', greaterIsBetter: true, evalFn: ({ predictions }) => predictions.length });
    const named = makeMetric({
      name: 'score',
      version: 'v3',
      greaterIsBetter: true,
      evalFn: () => new MetricValue({ aggregateResults: { score: 0.5, max: 0.9, ignored: null } }),
    });
    const result = await evaluate(null, data, { predictions: 'answer', extraMetrics: [count, named] });
    expect(result.metrics).toEqual({ rows: 4, 'score/v3': 0.5, 'score/v3/max': 0.9 });
  });

  it('resolves arguments from input columns, colMapping, config keys and built-in metrics, in dependency order', async () => {
    const seen: Record<string, unknown> = {};
    const base = makeMetric({
      name: 'base',
      greaterIsBetter: true,
      requires: ['question', 'context', 'threshold', 'accuracy_score'],
      evalFn: (args) => {
        Object.assign(seen, { question: args.question, context: args.context, threshold: args.threshold, accuracy: args.accuracy_score });
        return 2;
      },
    });
    const derived = makeMetric({
      name: 'derived',
      greaterIsBetter: true,
      requires: ['base'],
      evalFn: ({ base: value }) => ((value as MetricValue).aggregateResults?.base ?? 0) * 10,
    });
    const result = await evaluate(null, { question: ['q1', 'q2'], y: [0, 1], p: [0, 0] }, 'classifier', {
      targets: 'y',
      predictions: 'p',
      extraMetrics: [derived, base],
      evaluatorConfig: { colMapping: { context: 'question' }, threshold: 0.7 },
    });
    expect(seen.question).toEqual(['q1', 'q2']);
    expect(seen.context).toEqual(['q1', 'q2']);
    expect(seen.threshold).toBe(0.7);
    expect((seen.accuracy as MetricValue).aggregateResults).toEqual({ accuracy_score: 0.5 });
    expect(result.metrics.base).toBe(2);
    expect(result.metrics.derived).toBe(20);
    expect(result.metrics.accuracy_score).toBe(0.5);
  });

  it('explains missing columns and targets, listing the existing ones', async () => {
    const needsStuff = makeMetric({ name: 'needs', greaterIsBetter: true, requires: ['targets', 'context'], evalFn: () => 1 });
    const error = await evaluate(null, { question: ['q'], answer: ['a'] }, { predictions: 'answer', extraMetrics: [needsStuff] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    const message = (error as Error).message;
    expect(message).toContain('Error: Metric calculation failed for the following metrics:');
    expect(message).toContain("Metric 'needs' requires the following:");
    expect(message).toContain("- the 'targets' parameter needs to be specified");
    expect(message).toContain("- missing columns ['context'] need to be defined or mapped");
    expect(message).toContain("Input Columns: ['question', 'targets']");
    expect(message).toContain("Output Columns: ['answer']");
  });

  it('reports a cycle between metrics', async () => {
    const a = makeMetric({ name: 'a', greaterIsBetter: true, requires: ['b'], evalFn: () => 1 });
    const b = makeMetric({ name: 'b', greaterIsBetter: true, requires: ['a'], evalFn: () => 1 });
    await expect(evaluate(null, data, { predictions: 'answer', extraMetrics: [a, b] })).rejects.toThrow(/Metric 'a' requires the following/);
  });

  it('runs every metric on the first row first and reports all failures together', async () => {
    const calls: number[] = [];
    const boom = makeMetric({
      name: 'boom',
      greaterIsBetter: true,
      evalFn: ({ predictions }) => {
        calls.push(predictions.length);
        throw new TypeError('bad input');
      },
    });
    const bang = makeMetric({ name: 'bang', greaterIsBetter: true, evalFn: () => { throw new Error('nope'); } });
    const error = (await evaluate(null, data, { predictions: 'answer', extraMetrics: [boom, bang] }).catch((e: unknown) => e)) as Error;
    expect(calls).toEqual([1]);
    expect(error.message).toContain("Metric 'boom': Error:\nTypeError: bad input");
    expect(error.message).toContain("Metric 'bang': Error:\nError: nope");
  });

  it('skips a metric that returns something unusable, with MLflow\'s warning', async () => {
    const lines: string[] = [];
    const restore = setLogSink((_level, message) => lines.push(message));
    try {
      const none = makeMetric({ name: 'none', greaterIsBetter: true, evalFn: () => null });
      const wrong = makeMetric({ name: 'wrong', greaterIsBetter: true, evalFn: () => new MetricValue({ scores: [{} as never] }) });
      const result = await evaluate(null, { y: [0, 1], p: [0, 1] }, 'classifier', {
        targets: 'y',
        predictions: 'p',
        extraMetrics: [none, wrong],
      });
      expect(result.warnings).toEqual([
        "Did not log metric 'none' at index 9 in the `extraMetrics` parameter because it returned None.",
        "Did not log metric 'wrong' at index 10 in the `extraMetrics` parameter because it must return MetricValue with numeric or string scores.",
      ]);
      expect(result.metrics.none).toBeUndefined();
      expect(lines).toEqual(result.warnings);
    } finally {
      restore();
    }
  });

  it('rejects something that is not a metric', async () => {
    await expect(evaluate(null, data, { predictions: 'answer', extraMetrics: [{} as never] })).rejects.toThrow(
      /the following metrics have the wrong type/,
    );
  });
});
