import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ErrorCode } from '../../../src/core/errors.js';
import {
  loadThresholds,
  MetricThreshold,
  ModelValidationFailedError,
  validateEvaluationResults,
} from '../../../src/evaluate/validation/index.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { rejectionOf } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };

beforeEach(async () => {
  dir = await makeTempDir('evalflow-thresholds-');
});

afterEach(async () => {
  await dir.remove();
});

async function writeThresholds(content: unknown, name = 'thresholds.json'): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

describe('loadThresholds', () => {
  it('reads a thresholds file written with MLflow snake_case keys', async () => {
    const path = await writeThresholds({
      accuracy_score: { threshold: 0.8, min_absolute_change: 0.05, min_relative_change: 0.05, greater_is_better: true },
      log_loss: { threshold: 0.5, greater_is_better: false },
    });
    const thresholds = await loadThresholds(path);

    expect(Object.keys(thresholds)).toEqual(['accuracy_score', 'log_loss']);
    expect(thresholds.accuracy_score).toBeInstanceOf(MetricThreshold);
    expect(String(thresholds.accuracy_score)).toBe(
      'Threshold: 0.8. Minimum Absolute Change: 0.05. Minimum Relative Change: 0.05. Higher value is better.',
    );
    expect(String(thresholds.log_loss)).toBe('Threshold: 0.5. Lower value is better.');
  });

  it('feeds validateEvaluationResults directly', async () => {
    const path = await writeThresholds({ accuracy_score: { threshold: 0.8, greater_is_better: true } });
    const thresholds = await loadThresholds(path);
    expect(() => validateEvaluationResults(thresholds, { metrics: { accuracy_score: 0.7 } })).toThrow(
      ModelValidationFailedError,
    );
  });

  it('reads camelCase keys and an already parsed object', async () => {
    const thresholds = await loadThresholds({ f1_score: { minRelativeChange: 0.1, greaterIsBetter: true } });
    expect(thresholds.f1_score?.minRelativeChange).toBe(0.1);
  });

  it('keeps a metric named __proto__ as a metric', async () => {
    const path = await writeThresholds('{ "__proto__": { "threshold": 1, "greater_is_better": true } }');
    const thresholds = await loadThresholds(path);
    expect(Object.hasOwn(thresholds, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(thresholds)).toBe(Object.prototype);
  });

  it('names the file, the metric and the unknown key', async () => {
    const path = await writeThresholds({
      accuracy_score: { threshold: 0.8, greater_is_better: true },
      f1_score: { threshold: 0.5, greater_is_better: true, min_abs_change: 0.1 },
    });
    const error = await rejectionOf(loadThresholds(path));
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toBe(
      `Invalid validation threshold for metric "f1_score" in ${path}: unknown key "min_abs_change"; the keys are ` +
        'threshold, min_absolute_change, min_relative_change and greater_is_better.',
    );
    expect(error.details).toEqual({ metric: 'f1_score', source: path, keys: ['min_abs_change'] });
  });

  it('names the file and the metric for a value MetricThreshold refuses', async () => {
    const path = await writeThresholds({ accuracy_score: { threshold: '0.8', greater_is_better: true } });
    const error = await rejectionOf(loadThresholds(path));
    expect(error.message).toBe(
      `Invalid validation threshold for metric "accuracy_score" in ${path}: ` +
        'Could not instantiate MetricThreshold class: `threshold` parameter must be a number.',
    );
  });

  it('names the file and the metric when greater_is_better is missing', async () => {
    const path = await writeThresholds({ accuracy_score: { threshold: 0.8 } });
    expect((await rejectionOf(loadThresholds(path))).message).toBe(
      `Invalid validation threshold for metric "accuracy_score" in ${path}: ` +
        'Could not instantiate MetricThreshold class: `greater_is_better` parameter must be defined.',
    );
  });

  it('names the file and the metric when a threshold is not an object', async () => {
    const path = await writeThresholds({ accuracy_score: 0.8 });
    expect((await rejectionOf(loadThresholds(path))).message).toBe(
      `Invalid validation threshold for metric "accuracy_score" in ${path}: expected an object such as ` +
        '{ "threshold": 0.8, "greater_is_better": true }, got a number.',
    );
  });

  it.each([
    ['an array', [{ threshold: 0.8 }]],
    ['null', null],
    ['a string', 'accuracy_score'],
  ])('refuses a file holding %s', async (_label, content) => {
    const path = await writeThresholds(JSON.stringify(content));
    const error = await rejectionOf(loadThresholds(path));
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toBe(
      `Validation thresholds file ${path} must hold a JSON object mapping metric names to thresholds, such as ` +
        '{ "accuracy_score": { "threshold": 0.8, "greater_is_better": true } }.',
    );
  });

  it('refuses an object argument that is not a mapping, without naming a file', async () => {
    const error = await rejectionOf(loadThresholds([] as unknown as Record<string, unknown>));
    expect(error.message).toMatch(/^Validation thresholds must hold a JSON object mapping metric names/);
  });

  it('refuses a file that is not JSON', async () => {
    const path = await writeThresholds('accuracy_score:\n  threshold: 0.8\n', 'thresholds.yaml');
    const error = await rejectionOf(loadThresholds(path));
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toMatch(new RegExp(`^Validation thresholds file ${escape(path)} is not valid JSON: `));
  });

  it('reports a missing file as RESOURCE_DOES_NOT_EXIST', async () => {
    const path = join(dir.path, 'nowhere.json');
    const error = await rejectionOf(loadThresholds(path));
    expect(error.code).toBe(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    expect(error.message).toBe(`Validation thresholds file ${path} does not exist.`);
  });

  it('reports a path it cannot read, such as a directory', async () => {
    const error = await rejectionOf(loadThresholds(dir.path));
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toMatch(new RegExp(`^Could not read validation thresholds file ${escape(dir.path)}: `));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
