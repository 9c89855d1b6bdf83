import { describe, expect, it } from 'vitest';
import { evaluate, listEvaluators, MetricValue, registerEvaluator, type Evaluator } from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

const rowCounter: Evaluator = {
  name: 'row-counter',
  canEvaluate: (modelType) => modelType === 'regressor',
  evaluate: (input) => ({
    metrics: { [`${input.config.metricPrefix ?? ''}rows_seen`]: input.table.rowCount },
    metricValues: { rows_seen: new MetricValue({ aggregateResults: { rows_seen: input.table.rowCount } }) },
    artifacts: [],
    rowColumns: {},
    warnings: [],
  }),
};

describe('evaluator registry', () => {
  it('lists the built-in evaluators', () => {
    expect(listEvaluators()).toEqual(expect.arrayContaining(['classifier', 'regressor']));
  });

  it('runs a registered evaluator next to the built-in one, with its own config section', async () => {
    registerEvaluator(rowCounter);
    expect(listEvaluators()).toContain('row-counter');
    const data = { y: [1, 2, 3], p: [1, 2, 4] };
    const both = await evaluate(null, data, 'regressor', {
      targets: 'y',
      predictions: 'p',
      evaluatorConfig: { 'row-counter': { metricPrefix: 'rc_' }, default: {} },
    });
    expect(both.metrics.rc_rows_seen).toBe(3);
    expect(both.metrics.max_error).toBe(1);

    const onlyCounter = await evaluate(null, data, 'regressor', { targets: 'y', predictions: 'p', evaluators: ['row-counter'] });
    expect(Object.keys(onlyCounter.metrics)).toEqual(['rows_seen']);
    const onlyDefault = await evaluate(null, data, 'regressor', { targets: 'y', predictions: 'p', evaluators: 'default' });
    expect(onlyDefault.metrics.rows_seen).toBeUndefined();
    expect(onlyDefault.metrics.example_count).toBe(3);
  });

  it('refuses an evaluator that cannot evaluate the model type, and a malformed one', async () => {
    await expect(
      evaluate(null, { y: [0, 1], p: [0, 1] }, 'classifier', { targets: 'y', predictions: 'p', evaluators: ['regressor'] }),
    ).rejects.toThrow(/The evaluator "regressor" cannot evaluate a model of type classifier/);
    expect(() => registerEvaluator({ name: 'x' } as never)).toThrow(/registerEvaluator needs/);
  });
});
