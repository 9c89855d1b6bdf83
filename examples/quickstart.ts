// Quickstart, on the embedded store (./evalflow). Run with `npm run quickstart`.
// 1. Tracking: ridge regressions on the diabetes dataset, one nested run per regularisation strength.
// 2. evaluate(): the best ridge model as a regressor, and a scored breast-cancer hold-out as a binary classifier,
//    with MLflow's default metrics and plots, then a MetricThreshold gate like the one CI runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Matrix, solve } from 'ml-matrix';
import {
  evaluate,
  getTrackingUri,
  MetricThreshold,
  validateEvaluationResults,
  logFigure,
  logMetrics,
  logParams,
  logTable,
  searchRuns,
  setExperiment,
  setTag,
  withRun,
} from '../src/index.js';

const rows = parse(readFileSync(join(import.meta.dirname, 'data', 'diabetes.csv')), {
  columns: true,
  cast: true,
}) as Record<string, number>[];
const featureNames = Object.keys(rows[0] ?? {}).filter((name) => name !== 'progression');

// A fixed 80/20 split: every fifth row is held out.
const train = rows.filter((_, i) => i % 5 !== 0);
const test = rows.filter((_, i) => i % 5 === 0);
const design = (data: Record<string, number>[]): Matrix =>
  new Matrix(data.map((row) => [1, ...featureNames.map((name) => row[name] ?? 0)]));
const target = (data: Record<string, number>[]): number[] => data.map((row) => row.progression ?? 0);

function fitRidge(alpha: number): number[] {
  const x = design(train);
  const xt = x.transpose();
  const penalty = Matrix.eye(featureNames.length + 1).mul(alpha);
  penalty.set(0, 0, 0); // the intercept is not penalised
  return solve(xt.mmul(x).add(penalty), xt.mmul(Matrix.columnVector(target(train)))).getColumn(0);
}

function predict(weights: number[], data: Record<string, number>[]): number[] {
  return design(data).mmul(Matrix.columnVector(weights)).getColumn(0);
}

const experiment = await setExperiment('diabetes-ridge');
const alphas = [0.001, 0.01, 0.1, 1, 10];

await withRun({ runName: 'ridge-sweep', description: 'Ridge regression, one child run per alpha' }, async (parent) => {
  await logParams({ dataset: 'diabetes', train_rows: train.length, test_rows: test.length });
  for (const alpha of alphas) {
    await withRun({ nested: true, runName: `alpha-${alpha}` }, async () => {
      const weights = fitRidge(alpha);
      await logParams({ alpha, model: 'ridge' });
      // evaluate() logs MLflow's regressor metrics into the active (nested) run.
      await evaluate({ predict: (batch: Record<string, number>[]) => predict(weights, batch) }, test, 'regressor', {
        targets: 'progression',
      });
    });
  }

  const children = await searchRuns({
    experimentIds: [experiment.experimentId],
    filter: `tags.mlflow.parentRunId = '${parent.info.runId}'`,
    orderBy: ['metrics.root_mean_squared_error ASC'],
  });
  const best = children[0];
  if (!best) throw new Error('no child runs were found');
  await setTag('best_run_id', best.info.runId);
  await logMetrics({ best_root_mean_squared_error: best.data.metrics.root_mean_squared_error ?? Number.NaN });

  const bestPredictions = predict(fitRidge(Number(best.data.params.alpha)), test);
  await logTable(
    test.map((row, i) => ({ actual: row.progression, predicted: bestPredictions[i] })),
    'predictions.json',
  );
  await logFigure(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'Test RMSE by ridge alpha',
      width: 420,
      height: 300,
      data: { values: children.map((run) => ({ alpha: Number(run.data.params.alpha), rmse: run.data.metrics.root_mean_squared_error })) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'alpha', type: 'quantitative', scale: { type: 'log' }, title: 'alpha' },
        y: { field: 'rmse', type: 'quantitative', scale: { zero: false }, title: 'RMSE' },
      },
    },
    'rmse_by_alpha.png',
  );

  console.log(`Tracking store: ${getTrackingUri()}`);
  console.log(`Experiment "${experiment.name}" (id ${experiment.experimentId}), parent run ${parent.info.runId}`);
  console.log('\nalpha     RMSE     MAE      R2');
  for (const run of children) {
    const m = run.data.metrics;
    console.log(
      `${String(run.data.params.alpha).padEnd(9)} ${m.root_mean_squared_error?.toFixed(3)}   ` +
        `${m.mean_absolute_error?.toFixed(3)}   ${m.r2_score?.toFixed(3)}`,
    );
  }
  console.log(`\nBest: alpha=${best.data.params.alpha} (run ${best.info.runId})`);
  console.log(`Artifacts (predictions.json, rmse_by_alpha.png): ${parent.info.artifactUri}`);
});

// 2a. The best ridge model, evaluated as a regressor. A batch model is any object with predict(rows).
const bestAlpha = Number(
  (await searchRuns({ filter: "params.model = 'ridge'", orderBy: ['metrics.root_mean_squared_error ASC'], maxResults: 1 }))[0]
    ?.data.params.alpha,
);
const weights = fitRidge(bestAlpha);
const ridgeModel = { predict: (batch: Record<string, number>[]) => predict(weights, batch) };
const regression = await evaluate(ridgeModel, test, 'regressor', { targets: 'progression', datasetName: 'diabetes-test' });
console.log(`\n== evaluate(ridge alpha=${bestAlpha}, diabetes test rows, "regressor") ==`);
console.log(regression.toString());

// 2b. A static dataset: true labels, predicted labels and class probabilities are columns of a CSV.
const classification = await evaluate(null, join(import.meta.dirname, 'data', 'breast_cancer_scored.csv'), 'classifier', {
  targets: 'diagnosis',
  predictions: 'predicted',
  probabilities: { malignant: 'p_malignant', benign: 'p_benign' },
  evaluatorConfig: { posLabel: 'malignant' },
});
console.log('\n== evaluate(null, breast_cancer_scored.csv, "classifier") ==');
console.log(classification.toString());

// 3. A gate: the candidate must reach these values (validateEvaluationResults throws ModelValidationFailedError if not).
validateEvaluationResults(
  {
    accuracy_score: new MetricThreshold({ threshold: 0.9, greaterIsBetter: true }),
    roc_auc: new MetricThreshold({ threshold: 0.95, greaterIsBetter: true }),
    log_loss: new MetricThreshold({ threshold: 0.2, greaterIsBetter: false }),
  },
  classification,
);
console.log('\nValidation passed: accuracy_score >= 0.9, roc_auc >= 0.95, log_loss <= 0.2');
