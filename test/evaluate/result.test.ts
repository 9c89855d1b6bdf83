import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createExperiment,
  ErrorCode,
  evaluate,
  EvaluationResult,
  JUPYTER_DISPLAY,
  getExperimentByName,
  getRun,
  makeMetric,
  MetricValue,
  startRun,
  endRun,
  withRun,
} from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';
import { dataPath } from './expected.js';

const sandbox = useTrackingSandbox();

const binary = { targets: 'diagnosis', predictions: 'predicted', probabilities: { malignant: 'p_malignant', benign: 'p_benign' } };

describe('EvaluationResult', () => {
  it('prints a metrics table, serialises to JSON, and renders HTML with the plots inline', async () => {
    const result = await evaluate(null, dataPath('breast_cancer_scored.csv'), 'classifier', binary);
    const text = result.toString();
    expect(text).toMatch(/^metric\s+value/);
    expect(text).toContain('accuracy_score');
    expect(text).toContain(`run: ${result.runId}`);
    expect(text).toContain('roc_curve_plot: ');

    const json = result.toJSON();
    expect(json.metrics.true_positives).toBe(62);
    expect(json.artifacts.roc_curve_plot?.kind).toBe('image');

    const html = result.toHTML();
    expect(html).toContain('<table>');
    expect(html).toContain('<svg');
    expect(html.match(/<figure/g)).toHaveLength(4);
    const display = result[JUPYTER_DISPLAY]();
    expect(JUPYTER_DISPLAY).toBe(Symbol.for('Jupyter.display'));
    expect(display['text/plain']).toBe(text);
    expect(display['text/html']).toBe(html);
  });

  it('escapes HTML in metric names', () => {
    const result = new EvaluationResult({ metrics: { '<b>x</b>': 1 } });
    expect(result.toHTML()).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('saves and loads back metrics, artifacts, tables and the run id', async () => {
    const scored = makeMetric({
      name: 'is_malignant',
      greaterIsBetter: true,
      evalFn: ({ predictions }) => new MetricValue({ scores: predictions.map((p) => (p === 'malignant' ? 1 : 0)) }),
    });
    const result = await evaluate(null, dataPath('breast_cancer_scored.csv'), 'classifier', { ...binary, extraMetrics: [scored] });
    const dir = join(sandbox.dir(), 'saved');
    await result.save(dir);
    expect(JSON.parse(await readFile(join(dir, 'artifacts_metadata.json'), 'utf8')).roc_curve_plot).toMatchObject({
      class_name: 'ImageEvaluationArtifact',
      uri: result.artifacts.roc_curve_plot?.uri,
    });
    const loaded = await EvaluationResult.load(dir);
    expect(loaded.metrics).toEqual(result.metrics);
    expect(loaded.runId).toBe(result.runId);
    expect(Object.keys(loaded.artifacts).sort()).toEqual(Object.keys(result.artifacts).sort());
    expect(existsSync(loaded.artifacts.roc_curve_plot?.svg ?? '')).toBe(true);
    expect(loaded.tables.eval_results_table).toEqual(result.tables.eval_results_table);
    expect(await loaded.loadArtifact('confusion_matrix')).toBeInstanceOf(Uint8Array);
  });

  it('keeps NaN and infinite metrics through save and load', async () => {
    const result = new EvaluationResult({ metrics: { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: 1 } });
    const dir = join(sandbox.dir(), 'nan');
    await result.save(dir);
    const loaded = await EvaluationResult.load(dir);
    expect(loaded.metrics.a).toBeNaN();
    expect(loaded.metrics.b).toBe(Number.POSITIVE_INFINITY);
  });

  it('fails clearly on a folder that was not saved by it', async () => {
    await expect(EvaluationResult.load(sandbox.dir())).rejects.toThrow(/metrics.json is missing/);
    const result = new EvaluationResult({ metrics: {} });
    await expect(result.loadArtifact('nope')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
  });
});

describe('evaluate: where results are logged', () => {
  const small = { y: [0, 1, 1, 0], p: [0, 1, 0, 0] };

  it('uses the active run and leaves it open', async () => {
    const run = await startRun({ runName: 'outer' });
    const result = await evaluate(null, small, 'classifier', { targets: 'y', predictions: 'p' });
    expect(result.runId).toBe(run.info.runId);
    expect((await getRun(run.info.runId)).info.status).toBe('RUNNING');
    await endRun();
  });

  it('logs into a named run, or a new run of a named experiment', async () => {
    const target = await withRun(async (run) => run.info.runId);
    const into = await evaluate(null, small, 'classifier', { targets: 'y', predictions: 'p', runId: target });
    expect(into.runId).toBe(target);
    expect((await getRun(target)).data.metrics.accuracy_score).toBe(0.75);

    const fresh = await evaluate(null, small, 'classifier', { targets: 'y', predictions: 'p', experiment: 'nightly', datasetName: 'tiny' });
    const experiment = await getExperimentByName('nightly');
    const run = await getRun(fresh.runId ?? '');
    expect(run.info.experimentId).toBe(experiment?.experimentId);
    expect(run.info.status).toBe('FINISHED');
    expect(JSON.parse(run.data.tags['mlflow.datasets'] ?? '[]')[0]).toMatchObject({ name: 'tiny', rows: 4 });
    await createExperiment('other');
  });

  it('rejects an unknown runId before computing anything', async () => {
    await expect(evaluate(null, small, 'classifier', { targets: 'y', predictions: 'p', runId: 'nope' })).rejects.toMatchObject({
      code: ErrorCode.RESOURCE_DOES_NOT_EXIST,
    });
  });
});

describe('evaluate: custom artifacts', () => {
  it('logs files, JSON, Vega-Lite specs and values returned by custom artifact functions', async () => {
    const result = await evaluate(null, { y: [0, 1, 1, 0], p: [0, 1, 0, 0] }, 'classifier', {
      targets: 'y',
      predictions: 'p',
      customArtifacts: [
        async ({ table, metrics, artifactsDir }) => {
          const path = join(artifactsDir, 'notes.txt');
          await writeFile(path, `rows=${table.length} accuracy=${metrics.accuracy_score}`);
          return {
            notes: path,
            summary: { rows: table.length },
            raw_json: '{"ok": true}',
            chart: {
              $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
              data: { values: table },
              mark: 'bar',
              encoding: { x: { field: 'p', type: 'nominal' }, y: { aggregate: 'count', type: 'quantitative' } },
            },
          };
        },
      ],
    });
    expect(await result.loadArtifact('notes')).toBe('rows=4 accuracy=0.75');
    expect(await result.loadArtifact('summary')).toEqual({ rows: 4 });
    expect(await result.loadArtifact('raw_json')).toEqual({ ok: true });
    expect(result.artifacts.chart?.kind).toBe('image');
    expect(existsSync(result.artifacts.chart?.svg ?? '')).toBe(true);
  });

  it('rejects a duplicate name and a string that is neither a file nor JSON', async () => {
    const base = { targets: 'y', predictions: 'p' };
    await expect(
      evaluate(null, { y: [0, 1], p: [0, 1] }, 'classifier', { ...base, customArtifacts: [() => ({ confusion_matrix: 1 })] }),
    ).rejects.toThrow(/confusion_matrix cannot be logged because there already exists an artifact with the same name/);
    await expect(
      evaluate(null, { y: [0, 1], p: [0, 1] }, 'classifier', { ...base, customArtifacts: [() => ({ bad: 'not json' })] }),
    ).rejects.toThrow(/neither an existing file path nor valid JSON/);
  });
});
