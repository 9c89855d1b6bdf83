import { describe, expect, it } from 'vitest';
import { evaluate, loadTableFile } from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';
import { dataPath, expectMetricsClose, expected } from './expected.js';

useTrackingSandbox();

const model = expected.diabetes_model;

async function diabetesRows(): Promise<Record<string, unknown>[]> {
  return (await loadTableFile(dataPath('diabetes.csv'))).rows().map((row, i) => ({ ...row, row_id: i, w: model.weights[i] }));
}

describe('evaluate: regressor', () => {
  it('calls a batch model in batches and matches scikit-learn', async () => {
    const batches: number[] = [];
    const batchModel = {
      predict(rows: Record<string, unknown>[]): Float64Array {
        batches.push(rows.length);
        return Float64Array.from(rows.map((row) => model.predictions[row.row_id as number] as number));
      },
    };
    const result = await evaluate(batchModel, await diabetesRows(), 'regressor', {
      targets: 'progression',
      featureNames: ['row_id', 'age', 'bmi'],
      batchSize: 100,
    });
    expect(batches).toEqual([100, 100, 100, 100, 42]);
    expectMetricsClose(result.metrics, expected.diabetes as Record<string, number>);
    expect(Object.keys(result.artifacts)).toEqual([]);
  });

  it('weights every metric but max_error and divides mean_on_target by n', async () => {
    const rows = (await diabetesRows()).map((row) => ({ ...row, prediction: model.predictions[row.row_id as number] }));
    const result = await evaluate(null, rows, 'regressor', {
      targets: 'progression',
      predictions: 'prediction',
      evaluatorConfig: { sampleWeights: model.weights },
    });
    expectMetricsClose(result.metrics, expected.diabetes_weighted as Record<string, number>);
  });

  it('takes r2 = 1 for a perfect constant target and 0 otherwise (SS_tot = 0)', async () => {
    const perfect = await evaluate(null, { y: [3, 3, 3], p: [3, 3, 3] }, 'regressor', { targets: 'y', predictions: 'p' });
    expect(perfect.metrics.r2_score).toBe(1);
    const off = await evaluate(null, { y: [3, 3, 3], p: [3, 4, 3] }, 'regressor', { targets: 'y', predictions: 'p' });
    expect(off.metrics.r2_score).toBe(0);
  });

  it('reads a multi-output model by the predictions name', async () => {
    const result = await evaluate(
      (row: Record<string, unknown>) => ({ mean: (row.x as number) * 2, std: 0.1 }),
      { x: [1, 2, 3], y: [2, 4, 7] },
      'regressor',
      { targets: 'y', predictions: 'mean' },
    );
    expect(result.metrics.max_error).toBe(1);
    expect(result.metrics.example_count).toBe(3);
  });
});
