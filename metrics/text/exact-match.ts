import { EvalflowError } from '../../src/core/errors.js';
import { describeInput, requireSameLength } from './inputs.js';

type Comparable = string | number | boolean;

function comparable(values: readonly unknown[], column: string): readonly Comparable[] {
  values.forEach((value, row) => {
    if (!(typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value)))) {
      throw EvalflowError.invalid(
        `exact_match compares strings (or numbers, or booleans), but row ${row} of the ${column} has ${describeInput(value)}.`,
        { column, row },
      );
    }
  });
  return values as readonly Comparable[];
}

/**
 * MLflow's `exact_match`: scikit-learn's `accuracy_score(targets, predictions)`, the share of rows whose prediction
 * equals the target exactly (case-sensitive; the string "4" does not equal the number 4).
 */
export function exactMatch(targets: readonly unknown[], predictions: readonly unknown[]): number {
  const t = comparable(targets, 'targets');
  const p = comparable(predictions, 'predictions');
  requireSameLength(t, 'targets', p, 'predictions');
  if (t.length === 0) throw EvalflowError.invalid('exact_match needs at least one row.');
  let equal = 0;
  for (let i = 0; i < t.length; i += 1) if (t[i] === p[i]) equal += 1;
  return equal / t.length;
}
