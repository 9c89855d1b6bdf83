import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { EvalflowError } from '../core/errors.js';
import { EvalTable, type CellValue } from './eval-table.js';

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Reads a CSV, JSON or JSONL file into an EvalTable; the extension says which. */
export async function loadTableFile(path: string): Promise<EvalTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw EvalflowError.invalid(`Cannot read the data file "${path}": ${(error as NodeJS.ErrnoException).code ?? 'error'}. Check the path.`);
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return parseCsv(text, path);
  if (extension === '.json') return parseJson(text, path);
  if (extension === '.jsonl' || extension === '.ndjson') return parseJsonLines(text, path);
  throw EvalflowError.invalid(`Cannot read "${path}": data files must end in .csv, .json or .jsonl.`);
}

/** CSV cells: numbers become numbers, True/False booleans (as pandas reads them), empty cells null. */
export function parseCsv(text: string, source = 'CSV data'): EvalTable {
  try {
    const rows = parse(text, {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      cast: (value: string, context: { quoting: boolean }): CellValue => {
        if (context.quoting) return value;
        if (value === '') return null;
        if (NUMBER_PATTERN.test(value)) return Number(value);
        if (value === 'True' || value === 'true') return true;
        if (value === 'False' || value === 'false') return false;
        if (value === 'NaN' || value === 'nan') return Number.NaN;
        return value;
      },
    }) as Record<string, CellValue>[];
    return EvalTable.fromRows(rows);
  } catch (error) {
    if (error instanceof EvalflowError) throw error;
    throw EvalflowError.invalid(`Cannot parse ${source} as CSV: ${(error as Error).message}`);
  }
}

/** JSON: an array of rows, an object of columns, or pandas' "split" shape ({ columns, data }). */
export function parseJson(text: string, source = 'JSON data'): EvalTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw EvalflowError.invalid(`Cannot parse ${source} as JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(parsed)) return EvalTable.fromRows(parsed as Record<string, CellValue>[]);
  if (parsed !== null && typeof parsed === 'object') {
    const object = parsed as Record<string, unknown>;
    if (Array.isArray(object.columns) && Array.isArray(object.data) && Object.keys(object).every((k) => ['columns', 'data', 'index'].includes(k))) {
      const columns = object.columns.map(String);
      const rows = (object.data as unknown[]).map((values, index) => {
        if (!Array.isArray(values) || values.length !== columns.length) {
          throw EvalflowError.invalid(
            `${source}: row ${index} of "data" must be an array of ${columns.length} values (one per column).`,
            { row: index },
          );
        }
        return Object.fromEntries(columns.map((column, j) => [column, values[j] as CellValue]));
      });
      return EvalTable.fromRows(rows);
    }
    return EvalTable.fromColumns(object as Record<string, CellValue[]>);
  }
  throw EvalflowError.invalid(`${source} must hold an array of rows or an object of columns.`);
}

export function parseJsonLines(text: string, source = 'JSONL data'): EvalTable {
  const rows: Record<string, CellValue>[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line) as Record<string, CellValue>);
    } catch (error) {
      throw EvalflowError.invalid(`${source}: line ${index + 1} is not valid JSON (${(error as Error).message}).`, {
        line: index + 1,
      });
    }
  });
  return EvalTable.fromRows(rows);
}
