import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, evaluate, searchRuns } from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

const sandbox = useTrackingSandbox();

async function rejects(promise: Promise<unknown>, message: RegExp, details?: Record<string, unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected an error').toBeDefined();
  expect(error).toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE, ...(details && { details: expect.objectContaining(details) }) });
  expect((error as Error).message).toMatch(message);
  // Bad input logs nothing.
  expect(await searchRuns()).toEqual([]);
}

describe('evaluate: bad input stops before anything is logged', () => {
  const data = { y: [0, 1, 1], p: [0, 1, 0] };

  it('a missing targets option or column', async () => {
    await rejects(evaluate(null, data, 'classifier', { predictions: 'p' }), /targets argument must be specified for classifier/);
    await rejects(evaluate(null, data, 'classifier', { targets: 'label', predictions: 'p' }), /targets column "label" is not in the data. Columns: "y", "p"/);
  });

  it('a missing predictions column or no model', async () => {
    await rejects(evaluate(null, data, 'classifier', { targets: 'y' }), /Either a model or set of predictions must be specified/);
    await rejects(evaluate(null, data, 'classifier', { targets: 'y', predictions: 'pred' }), /predictions column "pred" is not in the data/);
  });

  it('columns of different lengths', async () => {
    await rejects(evaluate(null, { y: [0, 1], p: [0] }, 'classifier', { targets: 'y', predictions: 'p' }), /"p" has 1 values but column "y" has 2/);
  });

  it('NaN, null or text targets for a regressor, with the row', async () => {
    await rejects(evaluate(null, { y: [1, Number.NaN], p: [1, 2] }, 'regressor', { targets: 'y', predictions: 'p' }), /targets column "y" must hold finite numbers, but row 1 has NaN/, { row: 1 });
    await rejects(evaluate(null, [{ y: 1, p: 1 }, { y: null, p: 2 }], 'regressor', { targets: 'y', predictions: 'p' }), /row 1 has null/);
    await rejects(evaluate(null, { y: [1, 'x'], p: [1, 2] }, 'regressor', { targets: 'y', predictions: 'p' }), /row 1 has the string "x"/);
  });

  it('fewer than two labels for a classifier', async () => {
    await rejects(evaluate(null, { y: [1, 1], p: [1, 1] }, 'classifier', { targets: 'y', predictions: 'p' }), /at least two unique labels, but only 1/);
  });

  it('probabilities that do not sum to 1 or have the wrong width', async () => {
    const base = { y: ['a', 'b'], p: ['a', 'b'] };
    await rejects(
      evaluate(null, { ...base, proba: [[0.5, 0.5], [0.3, 0.6]] }, 'classifier', { targets: 'y', predictions: 'p', probabilities: 'proba' }),
      /row 1 sums to 0\.8999/,
      { row: 1 },
    );
    await rejects(
      evaluate(null, { ...base, proba: [[0.5, 0.5], [1]] }, 'classifier', { targets: 'y', predictions: 'p', probabilities: 'proba' }),
      /Row 1 has 1 class probabilities but there are 2 labels \[a, b\]/,
    );
  });

  it('a posLabel that is not a label', async () => {
    await rejects(
      evaluate(null, data, 'classifier', { targets: 'y', predictions: 'p', evaluatorConfig: { posLabel: 2 } }),
      /'pos_label' 2 must exist in 'label_list'/,
    );
  });

  it('a model that throws, with the row and its message', async () => {
    const model = (row: Record<string, unknown>): number => {
      if (row.x === 3) throw new Error('cannot score 3');
      return 1;
    };
    await rejects(evaluate(model, { x: [1, 2, 3, 4], y: [1, 0, 1, 0] }, 'classifier', { targets: 'y' }), /The model failed on row 2: cannot score 3/, { row: 2 });
  });

  it('an empty dataset', async () => {
    await rejects(evaluate(null, [], 'classifier', { targets: 'y', predictions: 'p' }), /has no rows/);
    const path = join(sandbox.dir(), 'empty.csv');
    await writeFile(path, 'y,p\n');
    await rejects(evaluate(null, path, 'classifier', { targets: 'y', predictions: 'p' }), /has no rows/);
  });

  it('unknown options, files and model types', async () => {
    await rejects(evaluate(null, data, 'ranker' as never, { targets: 'y' }), /Unknown modelType "ranker"/);
    await rejects(evaluate(null, data, {}), /extraMetrics argument must be specified when modelType is not set/);
    await rejects(evaluate(null, '/no/such/file.csv', 'classifier', { targets: 'y', predictions: 'p' }), /Cannot read the data file/);
    await rejects(evaluate(null, data, 'classifier', { targets: 'y', predictions: 'p', evaluatorConfig: { average: 'mean' as never } }), /evaluatorConfig.average/);
    await rejects(evaluate(null, data, 'classifier', { targets: 'y', predictions: 'p', featureNames: ['nope'] }), /feature column "nope" is not in the data/);
    await rejects(evaluate(null, data, 'classifier', { targets: 'y', predictions: 'p', evaluators: ['shap'] }), /Unknown evaluator "shap"/);
  });

  it('a model whose outputs have several keys and no predictions name', async () => {
    await rejects(
      evaluate(() => ({ a: 1, b: 2 }), { x: [1, 2], y: [1, 2] }, 'regressor', { targets: 'y' }),
      /Output column name is not specified for the multi-output model/,
    );
  });
});
