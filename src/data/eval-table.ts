import { EvalflowError } from '../core/errors.js';

/** A cell value as evaluate() sees it: JSON-like data from rows, columns or files. */
export type CellValue = unknown;

/** Rows (`[{ x: 1, y: 'a' }]`) or columns (`{ x: [1], y: ['a'] }`). */
export type TableInput = readonly Record<string, CellValue>[] | Readonly<Record<string, ArrayLike<CellValue>>>;

export type ColumnKind = 'number' | 'string' | 'boolean' | 'object' | 'null' | 'mixed';

/**
 * A column. A column whose values are all numbers (or null, kept as NaN in `numbers`) also has a Float64Array view,
 * built once, which the metric code reads without boxing.
 */
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly values: readonly CellValue[];
  readonly numbers: Float64Array | undefined;
}

/** Columnar, validated view of user data: every column has `rowCount` values. */
export class EvalTable {
  readonly rowCount: number;
  private readonly columnsByName: Map<string, Column>;

  private constructor(columns: Column[], rowCount: number) {
    this.rowCount = rowCount;
    this.columnsByName = new Map(columns.map((column) => [column.name, column]));
  }

  static fromRows(rows: readonly Record<string, CellValue>[]): EvalTable {
    if (!Array.isArray(rows)) throw EvalflowError.invalid('Expected the data as an array of row objects.');
    const names: string[] = [];
    const seen = new Set<string>();
    rows.forEach((row, index) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw EvalflowError.invalid(
          `Row ${index} of the data is ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}; ` +
            'each row must be an object of column → value, e.g. { question: "…", answer: "…" }.',
          { row: index },
        );
      }
      for (const name of Object.keys(row)) {
        if (!seen.has(name)) {
          seen.add(name);
          names.push(name);
        }
      }
    });
    const columns = names.map((name) => buildColumn(name, rows.map((row) => (name in row ? row[name] : null))));
    return new EvalTable(columns, rows.length);
  }

  static fromColumns(data: Readonly<Record<string, ArrayLike<CellValue>>>): EvalTable {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw EvalflowError.invalid('Expected the data as an object of column → array of values.');
    }
    const names = Object.keys(data);
    let rowCount: number | undefined;
    const columns = names.map((name) => {
      const values = data[name];
      if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
        throw EvalflowError.invalid(`Column "${name}" is not an array; give each column as an array of values.`, {
          column: name,
        });
      }
      const list = Array.from(values as ArrayLike<CellValue>);
      if (rowCount === undefined) rowCount = list.length;
      else if (list.length !== rowCount) {
        throw EvalflowError.invalid(
          `Column "${name}" has ${list.length} values but column "${names[0]}" has ${rowCount}; all columns must ` +
            'have the same length.',
          { column: name },
        );
      }
      return buildColumn(name, list);
    });
    return new EvalTable(columns, rowCount ?? 0);
  }

  static from(data: TableInput | EvalTable): EvalTable {
    if (data instanceof EvalTable) return data;
    return Array.isArray(data)
      ? EvalTable.fromRows(data as readonly Record<string, CellValue>[])
      : EvalTable.fromColumns(data as Readonly<Record<string, ArrayLike<CellValue>>>);
  }

  get columnNames(): string[] {
    return [...this.columnsByName.keys()];
  }

  has(name: string): boolean {
    return this.columnsByName.has(name);
  }

  /** The column, or an error that lists the columns there are. `purpose` says what it was wanted for. */
  column(name: string, purpose = 'column'): Column {
    const column = this.columnsByName.get(name);
    if (!column) {
      throw EvalflowError.invalid(
        `The ${purpose} "${name}" is not in the data. Columns: ${this.describeColumns()}.`,
        { column: name },
      );
    }
    return column;
  }

  values(name: string): readonly CellValue[] {
    return this.column(name).values;
  }

  /**
   * The column as numbers; every value must be a finite number. The error names the column, the first bad row
   * and what was found there.
   */
  finiteNumbers(name: string, purpose = 'column'): Float64Array {
    const column = this.column(name, purpose);
    const numbers = column.numbers;
    for (let i = 0; i < this.rowCount; i += 1) {
      const value = column.values[i];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw EvalflowError.invalid(
          `The ${purpose} "${name}" must hold finite numbers, but row ${i} has ${describeValue(value)}.`,
          { column: name, row: i },
        );
      }
    }
    return numbers ?? Float64Array.from(column.values as number[]);
  }

  row(index: number): Record<string, CellValue> {
    const row: Record<string, CellValue> = {};
    for (const [name, column] of this.columnsByName) row[name] = column.values[index];
    return row;
  }

  rows(names: readonly string[] = this.columnNames): Record<string, CellValue>[] {
    const columns = names.map((name) => this.column(name));
    const rows: Record<string, CellValue>[] = new Array(this.rowCount);
    for (let i = 0; i < this.rowCount; i += 1) {
      const row: Record<string, CellValue> = {};
      for (const column of columns) row[column.name] = column.values[i];
      rows[i] = row;
    }
    return rows;
  }

  /** A table of some of the columns, in the given order. */
  select(names: readonly string[]): EvalTable {
    return new EvalTable(names.map((name) => this.column(name)), this.rowCount);
  }

  /** A table with one more column (or that column replaced). */
  withColumn(name: string, values: readonly CellValue[]): EvalTable {
    if (values.length !== this.rowCount) {
      throw EvalflowError.invalid(
        `Column "${name}" has ${values.length} values but the data has ${this.rowCount} rows.`,
        { column: name },
      );
    }
    const columns = [...this.columnsByName.values()].filter((column) => column.name !== name);
    return new EvalTable([...columns, buildColumn(name, values)], this.rowCount);
  }

  describeColumns(): string {
    const names = this.columnNames;
    return names.length === 0 ? '(none)' : names.map((n) => JSON.stringify(n)).join(', ');
  }
}

function buildColumn(name: string, values: readonly CellValue[]): Column {
  let kind: ColumnKind | undefined;
  for (const value of values) {
    const valueKind = kindOf(value);
    if (valueKind === 'null') continue;
    if (kind === undefined) kind = valueKind;
    else if (kind !== valueKind) {
      kind = 'mixed';
      break;
    }
  }
  const finalKind = kind ?? 'null';
  let numbers: Float64Array | undefined;
  if (finalKind === 'number') {
    numbers = new Float64Array(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i];
      numbers[i] = typeof value === 'number' ? value : Number.NaN;
    }
  }
  return { name, kind: finalKind, values, numbers };
}

function kindOf(value: CellValue): ColumnKind {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'no value';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}
