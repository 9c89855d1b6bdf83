import { logger } from '../../core/logger.js';
import type { Feedback } from '../../assessments/entities.js';
import { aggregate } from '../../../metrics/metric-value.js';
import type { Aggregation, Scorer } from '../../../judges/types.js';

/**
 * A feedback value as a number for aggregation (MLflow's rules): a boolean as 1/0, a finite number as itself,
 * "yes"/"no" (any case) as 1/0; anything else (an error's missing value, other strings, lists, records) is undefined.
 */
export function feedbackNumber(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'yes') return 1;
    if (lower === 'no') return 0;
  }
  return undefined;
}

/**
 * Run metrics from every row's feedback, grouped by feedback name: `<name>/<aggregation>`, e.g. `correctness/mean`
 * (the share of "yes"). The aggregations are those of the scorer named by the part of the name after its first "/"
 * (or by the whole name), null meaning ["mean"] and [] none; ["mean"] when no scorer matches. A custom aggregation
 * function is keyed by its name. Feedback without a numeric value is left out.
 */
export function aggregateFeedback(feedback: Iterable<Feedback>, scorers: readonly Scorer[]): Record<string, number> {
  const values = new Map<string, number[]>();
  const dropped = new Map<string, number>();
  for (const item of feedback) {
    if (!item.valid) continue;
    const number = item.error !== null && item.value === null ? undefined : feedbackNumber(item.value);
    let list = values.get(item.name);
    if (list === undefined) {
      list = [];
      values.set(item.name, list);
    }
    if (number === undefined) {
      if (item.value !== null) dropped.set(item.name, (dropped.get(item.name) ?? 0) + 1);
      continue;
    }
    list.push(number);
  }
  for (const [name, count] of dropped) {
    logger.debug(`${count} value(s) of feedback "${name}" are not numbers, booleans or yes/no and are left out of its run metrics.`);
  }
  const byName = new Map(scorers.map((s) => [s.name, s]));
  const metrics: Record<string, number> = {};
  for (const [name, numbers] of values) {
    if (numbers.length === 0) continue;
    const slash = name.indexOf('/');
    const scorer = (slash >= 0 ? byName.get(name.slice(slash + 1)) : undefined) ?? byName.get(name);
    const aggregations: readonly Aggregation[] = scorer === undefined || scorer.aggregations === null ? ['mean'] : scorer.aggregations;
    const named = aggregations.filter((a): a is Exclude<Aggregation, (values: readonly number[]) => number> => typeof a === 'string');
    for (const [key, value] of Object.entries(aggregate(numbers, named))) metrics[`${name}/${key}`] = value;
    for (const fn of aggregations) {
      if (typeof fn !== 'function') continue;
      try {
        const value = fn(numbers);
        if (typeof value === 'number') metrics[`${name}/${fn.name || 'custom'}`] = value;
      } catch (error) {
        logger.warn(`The aggregation ${fn.name || '(anonymous)'} of "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return metrics;
}
