import type { RowResult } from './row-runner.js';

/**
 * The result table (`tables.eval_results`, MLflow's result_df): one row per data row with `trace_id`, then
 * `<name>/value` for each expectation and each feedback of this evaluation (a list when a row has several feedbacks
 * of one name, null for an error), then `request`, `response`, `state` (the trace's) and `error` (the model's).
 */
export function resultTable(results: readonly RowResult[]): Record<string, unknown>[] {
  const expectationNames = new Set<string>();
  const feedbackNames = new Set<string>();
  for (const result of results) {
    for (const name of Object.keys(result.expectations)) expectationNames.add(name);
    for (const feedback of result.feedback) feedbackNames.add(feedback.name);
  }
  return results.map((result) => {
    const row: Record<string, unknown> = { trace_id: result.traceId };
    for (const name of expectationNames) row[`${name}/value`] = result.expectations[name] ?? null;
    for (const name of feedbackNames) {
      if (expectationNames.has(name)) continue;
      const values = result.feedback.filter((f) => f.name === name).map((f) => f.value);
      row[`${name}/value`] = values.length === 0 ? null : values.length === 1 ? values[0] : values;
    }
    row.request = result.inputs;
    row.response = result.outputs;
    row.state = result.state;
    row.error = result.error;
    return row;
  });
}
