import { EvalflowError } from '../../src/core/errors.js';
import { valueText } from '../text.js';

/** A graded example shown to a legacy metric's judge (mirrors MLflow's `EvaluationExample`). */
export interface EvaluationExample {
  input?: string;
  output: string;
  score: number;
  justification: string;
  /** Values of the metric's grading-context columns; a string is the value of the first column. */
  gradingContext?: string | Readonly<Record<string, string>>;
}

/** The example with its context keyed by column; keys other than the metric's context columns are an error. */
export function checkExample(example: EvaluationExample, columns: readonly string[], metricName: string): EvaluationExample {
  if (example === null || typeof example !== 'object' || typeof example.output !== 'string' || typeof example.justification !== 'string' || typeof example.score !== 'number') {
    throw EvalflowError.invalid(`The examples of metric '${metricName}' need { output, score, justification } (input and gradingContext optional).`);
  }
  const context = example.gradingContext;
  if (context === undefined || context === null) return example;
  const record = typeof context === 'string' ? (columns[0] === undefined ? {} : { [columns[0]]: context }) : context;
  const keys = Object.keys(record);
  if (keys.length !== columns.length || keys.some((key) => !columns.includes(key)) || (typeof context === 'string' && columns.length !== 1)) {
    throw EvalflowError.invalid(
      `Example grading context keys [${keys.join(', ')}] of metric '${metricName}' must equal its grading context columns [${columns.join(', ')}].`,
    );
  }
  return { ...example, gradingContext: record };
}

/** The "Additional information used by the model" block: a key/value pair per context column. */
export function contextBlock(values: Readonly<Record<string, unknown>>, columns: readonly string[]): string | undefined {
  if (columns.length === 0) return undefined;
  const pairs = columns.map((column) => `key: ${column}\nvalue:\n${valueText(values[column])}`);
  return `Additional information used by the model:\n${pairs.join('\n')}`;
}

export function renderExample(example: EvaluationExample, columns: readonly string[], includeInput: boolean): string {
  const parts: string[] = [];
  if (includeInput && example.input !== undefined && example.input !== null) parts.push(`Example Input:\n${example.input}`);
  parts.push(`Example Output:\n${example.output}`);
  const context = example.gradingContext;
  if (context !== undefined && typeof context !== 'string') {
    const block = contextBlock(context, columns);
    if (block) parts.push(block);
  }
  parts.push(`Example score: ${example.score}\nExample justification: ${example.justification}`);
  return parts.join('\n\n');
}
