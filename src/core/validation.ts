import { EvalflowError } from './errors.js';

/** MLflow's limits (mlflow/utils/validation.py), so that what logs here also logs to an MLflow server. */
export const Limits = {
  MAX_KEY_LENGTH: 250,
  MAX_PARAM_VALUE_LENGTH: 6000,
  MAX_TAG_VALUE_LENGTH: 8000,
  MAX_EXPERIMENT_NAME_LENGTH: 500,
  MAX_RUN_NAME_LENGTH: 250,
} as const;

// Alphanumerics, underscores, dashes, periods, spaces, colons and slashes, as MLflow allows in key names.
const KEY_PATTERN = /^[\p{L}\p{N}_\-. :/]+$/u;

export type KeyKind = 'metric' | 'param' | 'tag';

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return `a value of type ${typeof value}`;
}

export function validateKey(kind: KeyKind, key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw EvalflowError.invalid(`Invalid ${kind} key ${describe(key)}: a ${kind} key must be a string.`, { kind, key });
  }
  if (key.length === 0) {
    throw EvalflowError.invalid(`Invalid ${kind} key "": a ${kind} key must not be empty.`, { kind, key });
  }
  if (key.length > Limits.MAX_KEY_LENGTH) {
    throw EvalflowError.invalid(
      `Invalid ${kind} key "${key.slice(0, 40)}…" (${key.length} characters): keys may have at most ` +
        `${Limits.MAX_KEY_LENGTH} characters.`,
      { kind, key },
    );
  }
  if (!KEY_PATTERN.test(key)) {
    throw EvalflowError.invalid(
      `Invalid ${kind} key ${JSON.stringify(key)}: names may only contain alphanumerics, underscores (_), dashes (-), ` +
        'periods (.), spaces ( ), colons (:) and slashes (/).',
      { kind, key },
    );
  }
  if (key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '.')) {
    throw EvalflowError.invalid(
      `Invalid ${kind} key ${JSON.stringify(key)}: a key must be a relative path without "." or ".." segments.`,
      { kind, key },
    );
  }
}

export function validateParamValue(key: string, value: unknown): string {
  const text = stringifyValue(value);
  if (text.length > Limits.MAX_PARAM_VALUE_LENGTH) {
    throw EvalflowError.invalid(
      `Param "${key}" has a value of ${text.length} characters; the limit is ${Limits.MAX_PARAM_VALUE_LENGTH}. ` +
        'Log long values as an artifact (logText or logDict) instead.',
      { key },
    );
  }
  return text;
}

export function validateTagValue(key: string, value: unknown): string {
  const text = stringifyValue(value);
  if (text.length > Limits.MAX_TAG_VALUE_LENGTH) {
    throw EvalflowError.invalid(
      `Tag "${key}" has a value of ${text.length} characters; the limit is ${Limits.MAX_TAG_VALUE_LENGTH}. ` +
        'Log long values as an artifact (logText or logDict) instead.',
      { key },
    );
  }
  return text;
}

/** Params and tags are strings, as in MLflow; numbers and booleans are converted, objects are not accepted. */
function stringifyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw EvalflowError.invalid(
    `Expected a string, number or boolean value but got ${value === null ? 'null' : typeof value}. ` +
      'Convert it with JSON.stringify, or log it with logDict.',
  );
}

export function validateMetricValue(key: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw EvalflowError.invalid(
      `Metric "${key}" got ${describe(value)}: a metric value must be a number (NaN and ±Infinity are allowed).`,
      { key },
    );
  }
  return value;
}

export function validateStep(key: string, step: unknown): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || !Number.isSafeInteger(step)) {
    throw EvalflowError.invalid(`Metric "${key}" got step ${describe(step)}: a step must be a finite integer.`, {
      key,
    });
  }
  return step;
}

export function validateTimestamp(key: string, timestamp: unknown): number {
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) {
    throw EvalflowError.invalid(
      `Metric "${key}" got timestamp ${describe(timestamp)}: a timestamp must be an integer number of ` +
        'milliseconds since the epoch.',
      { key },
    );
  }
  return timestamp;
}

export function validateName(kind: 'experiment' | 'run', name: unknown): string {
  const limit = kind === 'experiment' ? Limits.MAX_EXPERIMENT_NAME_LENGTH : Limits.MAX_RUN_NAME_LENGTH;
  if (typeof name !== 'string' || name.trim().length === 0) {
    throw EvalflowError.invalid(`Invalid ${kind} name ${describe(name)}: the name must be a non-empty string.`);
  }
  if (name.length > limit) {
    throw EvalflowError.invalid(
      `Invalid ${kind} name "${name.slice(0, 40)}…" (${name.length} characters): the limit is ${limit} characters.`,
    );
  }
  return name;
}

export function validateId(kind: 'experiment' | 'run', id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw EvalflowError.invalid(`Invalid ${kind} id ${describe(id)}: expected a non-empty string.`);
  }
  return id;
}
