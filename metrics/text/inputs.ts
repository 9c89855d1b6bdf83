import { EvalflowError } from '../../src/core/errors.js';

/** How a value looks in an error or warning message: its type, and short values themselves. */
export function describeInput(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'no value';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

/** The first row whose value is not a string, or -1 when every value is one. */
export function firstNonString(values: readonly unknown[]): number {
  for (let i = 0; i < values.length; i += 1) if (typeof values[i] !== 'string') return i;
  return -1;
}

/** The values as strings, or an EvalflowError that names the column, the row and what was found there. */
export function requireStrings(values: readonly unknown[], column: string): readonly string[] {
  if (!Array.isArray(values)) {
    throw EvalflowError.invalid(`The ${column} must be an array of strings, one per row.`, { column });
  }
  const row = firstNonString(values);
  if (row >= 0) {
    throw EvalflowError.invalid(`The ${column} must hold strings, but row ${row} has ${describeInput(values[row])}.`, { column, row });
  }
  return values as readonly string[];
}

/** Two columns of the same length, or an error naming both. */
export function requireSameLength(a: readonly unknown[], aName: string, b: readonly unknown[], bName: string): void {
  if (a.length !== b.length) {
    throw EvalflowError.invalid(`The ${aName} have ${a.length} rows but the ${bName} have ${b.length}; give one per row.`);
  }
}
