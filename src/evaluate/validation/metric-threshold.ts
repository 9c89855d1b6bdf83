import { z } from 'zod';

import { EvalflowError } from '../../core/errors.js';
import { formatPythonFloat } from './python-float.js';

/** Mirrors MLflow's `mlflow.models.MetricThreshold` constructor arguments, in camelCase. */
export interface MetricThresholdOptions {
  /** The candidate's value must be ≥ this (≤ when lower is better). */
  threshold?: number | null;
  /** A positive number: the candidate must beat the baseline by at least this much. */
  minAbsoluteChange?: number | null;
  /** A number in [0, 1]: the candidate must beat the baseline by at least this fraction of the baseline's value. */
  minRelativeChange?: number | null;
  greaterIsBetter: boolean;
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'threshold',
  'minAbsoluteChange',
  'minRelativeChange',
  'greaterIsBetter',
]);

const CLASS_ERROR_PREFIX = 'Could not instantiate MetricThreshold class: ';

function classError(message: string, details: Record<string, unknown> = {}): EvalflowError {
  return EvalflowError.invalid(CLASS_ERROR_PREFIX + message, details);
}

/** Python's `None`: an argument that is absent or null was not given. */
function isGiven<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

// A finite JS number stands for Python's int or float. NaN and ±Infinity, which Python would accept as floats, are
// rejected: a NaN or infinite bound can never pass or never fail, which is always a mistake in a thresholds file.
function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * A metric's pass criteria for model validation: an absolute value threshold and/or a minimum change over a baseline.
 * Mirrors MLflow's `MetricThreshold`; the checks, their order and their messages are MLflow's.
 */
export class MetricThreshold {
  readonly threshold: number | undefined;
  readonly minAbsoluteChange: number | undefined;
  readonly minRelativeChange: number | undefined;
  readonly greaterIsBetter: boolean;

  constructor(options: MetricThresholdOptions) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw classError(
        'the options must be an object { threshold?, minAbsoluteChange?, minRelativeChange?, greaterIsBetter }.',
        { parameter: 'options', value: options },
      );
    }
    // Python rejects an unexpected keyword argument before the body runs; a snake_case key from a thresholds file
    // would otherwise be ignored silently and surface as a confusing "must be defined".
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.has(key)) {
        throw classError(
          `unknown option \`${key}\`; the options are threshold, minAbsoluteChange, minRelativeChange and ` +
            'greaterIsBetter (use MetricThreshold.fromJSON for snake_case keys).',
          { parameter: key, value: (options as unknown as Record<string, unknown>)[key] },
        );
      }
    }
    const { threshold, minAbsoluteChange, minRelativeChange, greaterIsBetter } = options as {
      [K in keyof MetricThresholdOptions]?: unknown;
    };

    if (isGiven(threshold) && !isFiniteNumber(threshold)) {
      throw classError('`threshold` parameter must be a number.', { parameter: 'threshold', value: threshold });
    }
    if (isGiven(minAbsoluteChange) && (!isFiniteNumber(minAbsoluteChange) || minAbsoluteChange <= 0)) {
      throw classError('`min_absolute_change` parameter must be a positive number.', {
        parameter: 'minAbsoluteChange',
        value: minAbsoluteChange,
      });
    }
    if (isGiven(minRelativeChange)) {
      // Python demands a float here and so rejects the ints 0 and 1 while accepting 0.0 and 1.0. JS cannot tell
      // 1 from 1.0, so every finite number is taken as a float and 0 and 1 are accepted.
      if (!isFiniteNumber(minRelativeChange)) {
        throw classError(
          '`min_relative_change` parameter must be a floating point number.',
          { parameter: 'minRelativeChange', value: minRelativeChange },
        );
      }
      if (minRelativeChange < 0 || minRelativeChange > 1) {
        throw classError('`min_relative_change` parameter must be between 0 and 1.', {
          parameter: 'minRelativeChange',
          value: minRelativeChange,
        });
      }
    }
    if (!isGiven(greaterIsBetter)) {
      throw classError('`greater_is_better` parameter must be defined.', {
        parameter: 'greaterIsBetter',
        value: greaterIsBetter,
      });
    }
    if (typeof greaterIsBetter !== 'boolean') {
      throw classError('`greater_is_better` parameter must be a boolean.', {
        parameter: 'greaterIsBetter',
        value: greaterIsBetter,
      });
    }
    if (!isGiven(threshold) && !isGiven(minAbsoluteChange) && !isGiven(minRelativeChange)) {
      throw classError('no threshold was specified.');
    }

    this.threshold = isGiven(threshold) ? threshold : undefined;
    this.minAbsoluteChange = isGiven(minAbsoluteChange) ? minAbsoluteChange : undefined;
    this.minRelativeChange = isGiven(minRelativeChange) ? minRelativeChange : undefined;
    this.greaterIsBetter = greaterIsBetter;
  }

  /**
   * Reads one threshold in the JSON shape MLflow users write (`threshold`, `min_absolute_change`,
   * `min_relative_change`, `greater_is_better`); the camelCase option names are accepted too. `context` names the
   * metric and the file in error messages.
   */
  static fromJSON(value: unknown, context: { metric?: string; source?: string } = {}): MetricThreshold {
    const where = describeLocation(context);
    const parsed = ThresholdJsonSchema.safeParse(value);
    if (!parsed.success) {
      const unknownKeys = parsed.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys' ? issue.keys : [],
      );
      if (unknownKeys.length > 0) {
        const names = unknownKeys.map((key) => `"${key}"`).join(', ');
        throw EvalflowError.invalid(
          `Invalid validation threshold${where}: unknown key${unknownKeys.length > 1 ? 's' : ''} ${names}; the keys ` +
            'are threshold, min_absolute_change, min_relative_change and greater_is_better.',
          { ...context, keys: unknownKeys },
        );
      }
      throw EvalflowError.invalid(
        `Invalid validation threshold${where}: expected an object such as ` +
          '{ "threshold": 0.8, "greater_is_better": true }, got ' +
          `${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}.`,
        { ...context },
      );
    }

    const options: Record<string, unknown> = {};
    for (const [snakeName, camelName] of JSON_KEYS) {
      const snakeValue = parsed.data[snakeName];
      const camelValue = parsed.data[camelName];
      if (snakeName !== camelName && snakeValue !== undefined && camelValue !== undefined) {
        throw EvalflowError.invalid(
          `Invalid validation threshold${where}: both "${snakeName}" and "${camelName}" are given; use one.`,
          { ...context, keys: [snakeName, camelName] },
        );
      }
      const given = snakeValue !== undefined ? snakeValue : camelValue;
      if (given !== undefined) options[camelName] = given;
    }
    try {
      return new MetricThreshold(options as unknown as MetricThresholdOptions);
    } catch (error) {
      if (!(error instanceof EvalflowError)) throw error;
      throw EvalflowError.invalid(`Invalid validation threshold${where}: ${error.message}`, {
        ...context,
        ...error.details,
      });
    }
  }

  /** As MLflow's `str(MetricThreshold)`: "Threshold: 0.8. Minimum Absolute Change: 0.05. Higher value is better." */
  toString(): string {
    const parts: string[] = [];
    if (this.threshold !== undefined) parts.push(`Threshold: ${formatPythonFloat(this.threshold)}.`);
    if (this.minAbsoluteChange !== undefined) {
      parts.push(`Minimum Absolute Change: ${formatPythonFloat(this.minAbsoluteChange)}.`);
    }
    if (this.minRelativeChange !== undefined) {
      parts.push(`Minimum Relative Change: ${formatPythonFloat(this.minRelativeChange)}.`);
    }
    parts.push(this.greaterIsBetter ? 'Higher value is better.' : 'Lower value is better.');
    return parts.join(' ');
  }
}

/** [MLflow's snake_case key, the camelCase option] for each field of a threshold in JSON. */
const JSON_KEYS = [
  ['threshold', 'threshold'],
  ['min_absolute_change', 'minAbsoluteChange'],
  ['min_relative_change', 'minRelativeChange'],
  ['greater_is_better', 'greaterIsBetter'],
] as const;

// The schema fixes the shape (an object with known keys only); the values are left to the constructor, so that a
// bad value gets MLflow's message whichever way the threshold was made.
const anyValue = z.unknown().optional();
const ThresholdJsonSchema = z.strictObject({
  threshold: anyValue,
  min_absolute_change: anyValue,
  minAbsoluteChange: anyValue,
  min_relative_change: anyValue,
  minRelativeChange: anyValue,
  greater_is_better: anyValue,
  greaterIsBetter: anyValue,
});

function describeLocation({ metric, source }: { metric?: string; source?: string }): string {
  return (metric === undefined ? '' : ` for metric "${metric}"`) + (source === undefined ? '' : ` in ${source}`);
}
