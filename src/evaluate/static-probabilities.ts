import { EvalflowError } from '../core/errors.js';
import { describeValue, type EvalTable } from '../data/eval-table.js';
import type { Probabilities, ProbabilityRow } from '../../evaluators/types.js';

/**
 * The class probabilities of a static dataset: a column of arrays or label → probability records (or their JSON
 * text, as a CSV holds them), a list of columns in label order, or a record of label → column.
 */
export function staticProbabilities(
  table: EvalTable,
  spec: string | readonly string[] | Readonly<Record<string, string>>,
): Probabilities {
  if (typeof spec === 'string') {
    const values = table.column(spec, 'probabilities column').values;
    return values.map((value, row) => cellProbabilities(value, spec, row));
  }
  if (Array.isArray(spec)) {
    return { kind: 'ordered', columns: spec.map((name) => table.finiteNumbers(name, 'probabilities column')) };
  }
  if (spec === null || typeof spec !== 'object') {
    throw EvalflowError.invalid('probabilities must be a column name, a list of columns in label order, or a record of label → column.');
  }
  const columns = Object.fromEntries(
    Object.entries(spec as Record<string, string>).map(([label, name]) => [label, table.finiteNumbers(name, 'probabilities column')]),
  );
  return { kind: 'byLabel', columns };
}

function cellProbabilities(value: unknown, column: string, row: number): ProbabilityRow {
  let cell = value;
  if (typeof cell === 'string') {
    try {
      cell = JSON.parse(cell) as unknown;
    } catch {
      // reported below
    }
  }
  if (Array.isArray(cell) && cell.every((p) => typeof p === 'number')) return cell as number[];
  if (cell !== null && typeof cell === 'object' && !Array.isArray(cell) && Object.values(cell).every((p) => typeof p === 'number')) {
    return cell as Record<string, number>;
  }
  throw EvalflowError.invalid(
    `The probabilities column "${column}" must hold an array of numbers (in label order) or a record of label → ` +
      `probability in every row, but row ${row} has ${describeValue(value)}.`,
    { column, row },
  );
}
