import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { evaluate, getRun, loadTableFile } from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';
import { dataPath, expectMetricsClose, expected } from './expected.js';

useTrackingSandbox();

const probabilities = { malignant: 'p_malignant', benign: 'p_benign' };

describe('evaluate: binary classifier on a static dataset', () => {
  it('gives scikit-learn numbers under MLflow names, logs them and draws the plots', async () => {
    const result = await evaluate(null, dataPath('breast_cancer_scored.csv'), 'classifier', {
      targets: 'diagnosis',
      predictions: 'predicted',
      probabilities,
    });
    expectMetricsClose(result.metrics, expected.breast_cancer_default as Record<string, number>);
    expect(Object.keys(result.metrics).sort()).toEqual(Object.keys(expected.breast_cancer_default as object).sort());
    expect(Object.keys(result.artifacts).sort()).toEqual([
      'confusion_matrix',
      'lift_curve_plot',
      'precision_recall_curve_plot',
      'roc_curve_plot',
    ]);

    const run = await getRun(result.runId ?? '');
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.metrics).toEqual(result.metrics);
    const datasets = JSON.parse(run.data.tags['mlflow.datasets'] ?? '[]') as { name: string; hash: string; rows: number }[];
    expect(datasets).toEqual([expect.objectContaining({ name: 'breast_cancer_scored.csv', rows: 171, model: 'classifier' })]);
    expect(datasets[0]?.hash).toMatch(/^[0-9a-f]{16}$/);

    const roc = result.artifacts.roc_curve_plot;
    expect((await readFile(roc?.path ?? '')).subarray(1, 4).toString()).toBe('PNG');
    const spec = JSON.parse(await readFile(roc?.spec ?? '', 'utf8')) as { title: unknown };
    expect(JSON.stringify(spec.title)).toContain('ROC curve');
    const svg = await readFile(roc?.svg ?? '', 'utf8');
    expect(svg).toContain('AUC=0.996');
    expect(svg).toContain('(Positive label: malignant)');
  });

  it('honours posLabel everywhere, including the confusion counts and roc_auc', async () => {
    const result = await evaluate(null, dataPath('breast_cancer_scored.csv'), 'classifier', {
      targets: 'diagnosis',
      predictions: 'predicted',
      probabilities,
      evaluatorConfig: { pos_label: 'benign' },
    });
    expectMetricsClose(result.metrics, expected.breast_cancer_pos_benign as Record<string, number>);
  });

  it('reads probabilities as columns in label order, or one column of arrays', async () => {
    const table = await loadTableFile(dataPath('breast_cancer_scored.csv'));
    const rows = table.rows().map((row) => ({ ...row, proba: [row.p_benign, row.p_malignant] }));
    const byColumns = await evaluate(null, table, 'classifier', {
      targets: 'diagnosis',
      predictions: 'predicted',
      probabilities: ['p_benign', 'p_malignant'],
    });
    const byArrays = await evaluate(null, rows, 'classifier', {
      targets: 'diagnosis',
      predictions: 'predicted',
      probabilities: 'proba',
      featureNames: ['p_benign'],
    });
    expectMetricsClose(byColumns.metrics, expected.breast_cancer_default as Record<string, number>);
    expectMetricsClose(byArrays.metrics, expected.breast_cancer_default as Record<string, number>);
  });

  it('leaves the probability metrics and curves out without probabilities, as MLflow', async () => {
    const result = await evaluate(null, dataPath('breast_cancer_scored.csv'), 'classifier', {
      targets: 'diagnosis',
      predictions: 'predicted',
    });
    expect(result.metrics.log_loss).toBeUndefined();
    expect(result.metrics.roc_auc).toBeUndefined();
    expect(Object.keys(result.artifacts)).toEqual(['confusion_matrix']);
  });

  it('prefixes metric keys and artifact files with metricPrefix', async () => {
    const result = await evaluate(null, dataPath('breast_cancer_scored.csv'), 'classifier', {
      targets: 'diagnosis',
      predictions: 'predicted',
      evaluatorConfig: { metricPrefix: 'val_' },
    });
    expect(result.metrics.val_accuracy_score).toBeCloseTo(expected.breast_cancer_default?.accuracy_score as number, 12);
    expect(result.artifacts.confusion_matrix?.path).toMatch(/val_confusion_matrix\.png$/);
  });
});

describe('evaluate: multiclass classifier with a model', () => {
  const iris = expected.iris_model;
  const rowModel = (row: Record<string, unknown>): { label: string; probabilities: number[] } => {
    const index = row.row_id as number;
    return { label: iris.predictions[index] as string, probabilities: iris.probabilities[index] as number[] };
  };

  async function irisRows(): Promise<Record<string, unknown>[]> {
    return (await loadTableFile(dataPath('iris.csv'))).rows().map((row, i) => ({ ...row, row_id: i, weight: iris.weights[i] }));
  }

  it('calls a row model and matches scikit-learn for each average', async () => {
    const rows = await irisRows();
    for (const average of ['weighted', 'macro', 'micro'] as const) {
      const result = await evaluate(rowModel, rows, 'classifier', {
        targets: 'species',
        featureNames: ['row_id', 'petal_length_(cm)'],
        evaluatorConfig: { average },
      });
      expectMetricsClose(result.metrics, expected[`iris_${average}`] as Record<string, number>);
      if (average === 'micro') expect(result.metrics.roc_auc).toBeUndefined();
    }
  });

  it('applies sample weights given as a column name', async () => {
    const result = await evaluate(rowModel, await irisRows(), 'classifier', {
      targets: 'species',
      featureNames: ['row_id'],
      evaluatorConfig: { sample_weights: 'weight' },
    });
    expectMetricsClose(result.metrics, expected.iris_weighted_sample_weights as Record<string, number>);
  });

  it('writes per-class metrics and the multiclass curves', async () => {
    const result = await evaluate(rowModel, await irisRows(), 'classifier', { targets: 'species', featureNames: ['row_id'] });
    expect(Object.keys(result.artifacts).sort()).toEqual([
      'confusion_matrix',
      'per_class_metrics',
      'precision_recall_curve_plot',
      'roc_curve_plot',
    ]);
    const csv = (await result.loadArtifact('per_class_metrics')) as string;
    const [header, ...lines] = csv.trim().split('\n');
    expect(header).toBe(
      'positive_class,true_negatives,false_positives,false_negatives,true_positives,example_count,accuracy_score,' +
        'recall_score,precision_score,f1_score,roc_auc,precision_recall_auc',
    );
    lines.forEach((line, c) => {
      const cells = line.split(',');
      const wanted = expected.iris_per_class[c] as Record<string, number | string>;
      expect(cells[0]).toBe(wanted.positive_class);
      Object.values(wanted)
        .slice(1)
        .forEach((value, j) => expect(Number(cells[j + 1])).toBeCloseTo(value as number, 12));
    });
    const svg = await readFile(result.artifacts.roc_curve_plot?.svg ?? '', 'utf8');
    expect(svg).toContain('label=setosa,AUC=');
  });

  it('skips the multiclass curves above maxClassesForMulticlassRocPr', async () => {
    const result = await evaluate(rowModel, await irisRows(), 'classifier', {
      targets: 'species',
      featureNames: ['row_id'],
      evaluatorConfig: { maxClassesForMulticlassRocPr: 2 },
    });
    expect(Object.keys(result.artifacts).sort()).toEqual(['confusion_matrix', 'per_class_metrics']);
    expect(result.metrics.roc_auc).toBeDefined();
  });

  it('counts a class seen only in predictions as a class', async () => {
    const result = await evaluate(null, { y: [1, 0, 1, 1], p: [1, 2, 0, 0] }, 'classifier', { targets: 'y', predictions: 'p' });
    expect(result.artifacts.per_class_metrics).toBeDefined();
    expect(result.metrics.accuracy_score).toBe(0.25);
  });
});

describe('evaluate: plots: false', () => {
  it('computes the same metrics without drawing', async () => {
    const options = { targets: 'diagnosis', predictions: 'predicted', probabilities: { malignant: 'p_malignant', benign: 'p_benign' } };
    const result = await evaluate(null, dataPath('breast_cancer_scored.csv'), 'classifier', { ...options, evaluatorConfig: { plots: false } });
    expectMetricsClose(result.metrics, expected.breast_cancer_default as Record<string, number>);
    expect(result.artifacts).toEqual({});
  });
});
