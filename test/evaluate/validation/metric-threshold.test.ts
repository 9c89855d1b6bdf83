import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../../src/core/errors.js';
import { MetricThreshold, type MetricThresholdOptions } from '../../../src/evaluate/validation/index.js';
import { thrownBy } from './helpers.js';

const PREFIX = 'Could not instantiate MetricThreshold class: ';

/** Builds a threshold from options the type system would refuse, as a JS caller or a parsed file can pass them. */
function make(options: unknown): MetricThreshold {
  return new MetricThreshold(options as MetricThresholdOptions);
}

function constructorError(options: unknown) {
  return thrownBy(() => make(options));
}

describe('new MetricThreshold', () => {
  it('keeps the given thresholds and leaves the others undefined', () => {
    const threshold = new MetricThreshold({ threshold: 0.8, minAbsoluteChange: 0.05, greaterIsBetter: true });
    expect(threshold.threshold).toBe(0.8);
    expect(threshold.minAbsoluteChange).toBe(0.05);
    expect(threshold.minRelativeChange).toBeUndefined();
    expect(threshold.greaterIsBetter).toBe(true);
  });

  it('treats null like an absent argument, as Python treats None', () => {
    const threshold = make({
      threshold: null,
      minAbsoluteChange: null,
      minRelativeChange: 0.1,
      greaterIsBetter: false,
    });
    expect(threshold.threshold).toBeUndefined();
    expect(threshold.minAbsoluteChange).toBeUndefined();
    expect(threshold.minRelativeChange).toBe(0.1);
  });

  it('raises INVALID_PARAMETER_VALUE with the MLflow prefix and names the parameter in details', () => {
    const error = constructorError({ threshold: '0.8', greaterIsBetter: true });
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toBe(PREFIX + '`threshold` parameter must be a number.');
    expect(error.details).toEqual({ parameter: 'threshold', value: '0.8' });
  });

  it.each([
    ['a string', '0.8'],
    ['a boolean', true],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['an object', { value: 0.8 }],
  ])('rejects %s as threshold', (_label, value) => {
    expect(constructorError({ threshold: value, greaterIsBetter: true }).message).toBe(
      PREFIX + '`threshold` parameter must be a number.',
    );
  });

  it.each([
    ['zero', 0],
    ['a negative number', -0.05],
    ['a string', '0.05'],
    ['a boolean', true],
    ['NaN', NaN],
  ])('rejects %s as minAbsoluteChange', (_label, value) => {
    expect(constructorError({ minAbsoluteChange: value, greaterIsBetter: true }).message).toBe(
      PREFIX + '`min_absolute_change` parameter must be a positive number.',
    );
  });

  it.each([
    ['a string', '0.05'],
    ['a boolean', false],
    ['NaN', NaN],
    ['-Infinity', -Infinity],
  ])('rejects %s as minRelativeChange: not a floating point number', (_label, value) => {
    expect(constructorError({ minRelativeChange: value, greaterIsBetter: true }).message).toBe(
      PREFIX + '`min_relative_change` parameter must be a floating point number.',
    );
  });

  it.each([-0.01, 1.01, 5])('rejects %s as minRelativeChange: not between 0 and 1', (value) => {
    expect(constructorError({ minRelativeChange: value, greaterIsBetter: true }).message).toBe(
      PREFIX + '`min_relative_change` parameter must be between 0 and 1.',
    );
  });

  it('accepts the bounds 0 and 1 as minRelativeChange (Python rejects the ints 0 and 1, JS has no ints)', () => {
    expect(new MetricThreshold({ minRelativeChange: 0, greaterIsBetter: true }).minRelativeChange).toBe(0);
    expect(new MetricThreshold({ minRelativeChange: 1, greaterIsBetter: true }).minRelativeChange).toBe(1);
  });

  it.each([
    ['missing', {}],
    ['undefined', { greaterIsBetter: undefined }],
    ['null', { greaterIsBetter: null }],
  ])('requires greaterIsBetter (%s)', (_label, rest) => {
    expect(constructorError({ threshold: 0.5, ...rest }).message).toBe(
      PREFIX + '`greater_is_better` parameter must be defined.',
    );
  });

  it.each([
    ['a string', 'true'],
    ['a number', 1],
  ])('rejects %s as greaterIsBetter', (_label, value) => {
    expect(constructorError({ threshold: 0.5, greaterIsBetter: value }).message).toBe(
      PREFIX + '`greater_is_better` parameter must be a boolean.',
    );
  });

  it('requires at least one threshold', () => {
    const error = constructorError({ greaterIsBetter: true });
    expect(error.message).toBe(PREFIX + 'no threshold was specified.');
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
  });

  describe('check order: the first failing check wins', () => {
    it.each([
      [
        'threshold before minAbsoluteChange',
        { threshold: 'x', minAbsoluteChange: -1, minRelativeChange: 2, greaterIsBetter: 'yes' },
        '`threshold` parameter must be a number.',
      ],
      [
        'minAbsoluteChange before minRelativeChange',
        { threshold: 0.5, minAbsoluteChange: 0, minRelativeChange: 'x' },
        '`min_absolute_change` parameter must be a positive number.',
      ],
      [
        'the type of minRelativeChange before its range',
        { minRelativeChange: '2' },
        '`min_relative_change` parameter must be a floating point number.',
      ],
      [
        'minRelativeChange before greaterIsBetter',
        { minRelativeChange: 1.5 },
        '`min_relative_change` parameter must be between 0 and 1.',
      ],
      ['greaterIsBetter before "no threshold"', {}, '`greater_is_better` parameter must be defined.'],
      [
        'the type of greaterIsBetter before "no threshold"',
        { greaterIsBetter: 0 },
        '`greater_is_better` parameter must be a boolean.',
      ],
    ])('%s', (_label, options, message) => {
      expect(constructorError(options).message).toBe(PREFIX + message);
    });
  });

  it('rejects an unknown option before any other check, pointing snake_case keys to fromJSON', () => {
    const error = constructorError({ threshold: 'x', greater_is_better: true });
    expect(error.message).toBe(
      PREFIX +
        'unknown option `greater_is_better`; the options are threshold, minAbsoluteChange, minRelativeChange and ' +
        'greaterIsBetter (use MetricThreshold.fromJSON for snake_case keys).',
    );
    expect(error.details).toEqual({ parameter: 'greater_is_better', value: true });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 0.8],
    ['an array', [0.8, true]],
  ])('rejects %s in place of the options object', (_label, options) => {
    expect(constructorError(options).message).toBe(
      PREFIX + 'the options must be an object { threshold?, minAbsoluteChange?, minRelativeChange?, greaterIsBetter }.',
    );
  });
});

describe('MetricThreshold.toString', () => {
  it.each([
    [
      { threshold: 0.8, minAbsoluteChange: 0.05, greaterIsBetter: true },
      'Threshold: 0.8. Minimum Absolute Change: 0.05. Higher value is better.',
    ],
    [
      { threshold: 0.2, minAbsoluteChange: 0.01, minRelativeChange: 0.1, greaterIsBetter: false },
      'Threshold: 0.2. Minimum Absolute Change: 0.01. Minimum Relative Change: 0.1. Lower value is better.',
    ],
    [{ minRelativeChange: 0.05, greaterIsBetter: true }, 'Minimum Relative Change: 0.05. Higher value is better.'],
    // Every JS number is a float, so a threshold of 1 prints as Python prints the float 1.0.
    [{ threshold: 1, greaterIsBetter: true }, 'Threshold: 1.0. Higher value is better.'],
    [{ threshold: 250, greaterIsBetter: false }, 'Threshold: 250.0. Lower value is better.'],
    [{ minAbsoluteChange: 1e-5, greaterIsBetter: false }, 'Minimum Absolute Change: 1e-05. Lower value is better.'],
    [{ minRelativeChange: 0, greaterIsBetter: true }, 'Minimum Relative Change: 0.0. Higher value is better.'],
  ] satisfies Array<[MetricThresholdOptions, string]>)('%o → %s', (options, expected) => {
    const threshold = new MetricThreshold(options);
    expect(threshold.toString()).toBe(expected);
    expect(`${threshold}`).toBe(expected);
  });
});

describe('MetricThreshold.fromJSON', () => {
  it('reads MLflow snake_case keys', () => {
    const threshold = MetricThreshold.fromJSON({
      threshold: 0.8,
      min_absolute_change: 0.05,
      min_relative_change: 0.05,
      greater_is_better: true,
    });
    expect(threshold).toBeInstanceOf(MetricThreshold);
    expect(threshold).toMatchObject({
      threshold: 0.8,
      minAbsoluteChange: 0.05,
      minRelativeChange: 0.05,
      greaterIsBetter: true,
    });
  });

  it('reads camelCase keys, and reads back what JSON.stringify wrote', () => {
    const original = new MetricThreshold({ threshold: 0.1, minRelativeChange: 0.2, greaterIsBetter: false });
    const copy = MetricThreshold.fromJSON(JSON.parse(JSON.stringify(original)));
    expect(copy).toEqual(original);
    expect(copy.toString()).toBe(original.toString());
  });

  it('treats null values as absent, as a JSON file writes None', () => {
    const threshold = MetricThreshold.fromJSON({ threshold: 0.5, min_absolute_change: null, greater_is_better: true });
    expect(threshold.minAbsoluteChange).toBeUndefined();
  });

  it('names the metric, the source and the unknown keys', () => {
    const error = thrownBy(() =>
      MetricThreshold.fromJSON(
        { threshold: 0.8, higher_is_better: true, minimum: 1 },
        { metric: 'accuracy_score', source: 'thresholds.json' },
      ),
    );
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
    expect(error.message).toBe(
      'Invalid validation threshold for metric "accuracy_score" in thresholds.json: unknown keys "higher_is_better", ' +
        '"minimum"; the keys are threshold, min_absolute_change, min_relative_change and greater_is_better.',
    );
    expect(error.details).toEqual({
      metric: 'accuracy_score',
      source: 'thresholds.json',
      keys: ['higher_is_better', 'minimum'],
    });
  });

  it('passes on the constructor message, prefixed with where the threshold came from', () => {
    const error = thrownBy(() =>
      MetricThreshold.fromJSON({ min_relative_change: 5, greater_is_better: true }, { metric: 'f1_score' }),
    );
    expect(error.message).toBe(
      'Invalid validation threshold for metric "f1_score": ' +
        PREFIX +
        '`min_relative_change` parameter must be between 0 and 1.',
    );
    expect(error.details).toEqual({ metric: 'f1_score', parameter: 'minRelativeChange', value: 5 });
  });

  it('refuses a key given in both spellings', () => {
    const error = thrownBy(() =>
      MetricThreshold.fromJSON({ threshold: 0.5, greater_is_better: true, greaterIsBetter: false }),
    );
    expect(error.message).toBe(
      'Invalid validation threshold: both "greater_is_better" and "greaterIsBetter" are given; use one.',
    );
  });

  it.each([
    ['null', null, 'null'],
    ['an array', [0.8], 'an array'],
    ['a number', 0.8, 'a number'],
  ])('refuses %s', (_label, value, got) => {
    expect(thrownBy(() => MetricThreshold.fromJSON(value, { metric: 'mae' })).message).toBe(
      'Invalid validation threshold for metric "mae": expected an object such as ' +
        `{ "threshold": 0.8, "greater_is_better": true }, got ${got}.`,
    );
  });
});
