import { readFile } from 'node:fs/promises';

import { ErrorCode, EvalflowError } from '../../core/errors.js';
import { MetricThreshold } from './metric-threshold.js';

/**
 * Reads validation thresholds keyed by metric name, in the JSON shape MLflow users write:
 * `{ "accuracy_score": { "threshold": 0.8, "min_absolute_change": 0.05, "greater_is_better": true } }`.
 * `source` is the path of a JSON file, or the already parsed object. Errors name the file and the metric.
 */
export async function loadThresholds(
  source: string | Record<string, unknown>,
): Promise<Record<string, MetricThreshold>> {
  if (typeof source !== 'string') return parseThresholds(source);

  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw EvalflowError.notFound(`Validation thresholds file ${source} does not exist.`, { source });
    }
    throw new EvalflowError(
      ErrorCode.INVALID_PARAMETER_VALUE,
      `Could not read validation thresholds file ${source}: ${(error as Error).message}`,
      { cause: error, details: { source } },
    );
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EvalflowError(
      ErrorCode.INVALID_PARAMETER_VALUE,
      `Validation thresholds file ${source} is not valid JSON: ${(error as Error).message}`,
      { cause: error, details: { source } },
    );
  }
  return parseThresholds(parsed, source);
}

function parseThresholds(value: unknown, source?: string): Record<string, MetricThreshold> {
  const where = source === undefined ? 'Validation thresholds' : `Validation thresholds file ${source}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw EvalflowError.invalid(
      `${where} must hold a JSON object mapping metric names to thresholds, such as ` +
        '{ "accuracy_score": { "threshold": 0.8, "greater_is_better": true } }.',
      source === undefined ? {} : { source },
    );
  }
  // fromEntries defines own properties, so a metric named "__proto__" stays a metric.
  return Object.fromEntries(
    Object.entries(value).map(([metric, entry]) => [
      metric,
      MetricThreshold.fromJSON(entry, source === undefined ? { metric } : { metric, source }),
    ]),
  );
}
