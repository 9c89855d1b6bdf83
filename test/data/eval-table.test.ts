import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, EvalTable, loadTableFile } from '../../src/index.js';
import { parseCsv, parseJson, parseJsonLines } from '../../src/data/load-file.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('EvalTable', () => {
  it('builds the same table from rows and from columns, with numeric columns as Float64Array', () => {
    const fromRows = EvalTable.fromRows([{ x: 1, y: 'a' }, { x: 2.5, y: 'b' }]);
    const fromColumns = EvalTable.fromColumns({ x: [1, 2.5], y: ['a', 'b'] });
    for (const table of [fromRows, fromColumns]) {
      expect(table.rowCount).toBe(2);
      expect(table.columnNames).toEqual(['x', 'y']);
      expect(table.column('x').kind).toBe('number');
      expect(table.column('x').numbers).toEqual(Float64Array.from([1, 2.5]));
      expect(table.column('y').kind).toBe('string');
      expect(table.row(1)).toEqual({ x: 2.5, y: 'b' });
    }
  });

  it('fills columns missing from some rows with null and types mixed columns', () => {
    const table = EvalTable.fromRows([{ a: 1 }, { b: 'x' }, { a: 'two' }]);
    expect(table.values('a')).toEqual([1, null, 'two']);
    expect(table.values('b')).toEqual([null, 'x', null]);
    expect(table.column('a').kind).toBe('mixed');
  });

  it('checks numbers with the column, row and value in the message', () => {
    const table = EvalTable.fromColumns({ y: [1, 2, Number.POSITIVE_INFINITY] });
    expect(() => table.finiteNumbers('y', 'targets column')).toThrow(
      'The targets column "y" must hold finite numbers, but row 2 has Infinity.',
    );
  });

  it('rejects bad shapes', () => {
    expect(() => EvalTable.fromRows([{ a: 1 }, 3 as never])).toThrow(/Row 1 of the data is number/);
    expect(() => EvalTable.fromColumns({ a: [1, 2], b: [1] })).toThrow(/Column "b" has 1 values but column "a" has 2/);
    expect(() => EvalTable.fromColumns({ a: 'x' as never })).toThrow(/Column "a" is not an array/);
    expect(() => EvalTable.fromColumns({ a: [1] }).column('b')).toThrow(/"b" is not in the data. Columns: "a"/);
  });
});

describe('reading files', () => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  beforeEach(async () => {
    ({ path: dir, remove } = await makeTempDir());
  });
  afterEach(async () => remove());

  it('reads CSV with numbers, booleans, empty cells and quoted text', async () => {
    const path = join(dir, 'd.csv');
    await writeFile(path, 'x,flag,label,note\n1.5,True,"007",\n-2e3,false,b,"a, b"\n');
    const table = await loadTableFile(path);
    expect(table.rows()).toEqual([
      { x: 1.5, flag: true, label: '007', note: null },
      { x: -2000, flag: false, label: 'b', note: 'a, b' },
    ]);
  });

  it('reads JSON rows, JSON columns, pandas split JSON and JSONL', () => {
    const rows = [{ a: 1, b: 'x' }, { a: 2, b: 'y' }];
    expect(parseJson(JSON.stringify(rows)).rows()).toEqual(rows);
    expect(parseJson(JSON.stringify({ a: [1, 2], b: ['x', 'y'] })).rows()).toEqual(rows);
    expect(parseJson(JSON.stringify({ columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] })).rows()).toEqual(rows);
    expect(parseJsonLines('{"a":1,"b":"x"}\n\n{"a":2,"b":"y"}\n').rows()).toEqual(rows);
    expect(parseCsv('a,b\n1,x\n2,y\n').rows()).toEqual(rows);
  });

  it('says which line or file is wrong', async () => {
    expect(() => parseJsonLines('{"a":1}\n{oops}\n')).toThrow(/line 2 is not valid JSON/);
    expect(() => parseJson('{"columns":["a"],"data":[[1,2]]}')).toThrow(/row 0 of "data" must be an array of 1 values/);
    expect(() => parseJson('nope')).toThrow(/Cannot parse JSON data as JSON/);
    await expect(loadTableFile(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    await writeFile(join(dir, 'data.parquet'), '');
    await expect(loadTableFile(join(dir, 'data.parquet'))).rejects.toThrow(/must end in .csv, .json or .jsonl/);
    await writeFile(join(dir, 'bad.csv'), 'a,b\n1,2,3\n');
    await expect(loadTableFile(join(dir, 'bad.csv'))).rejects.toThrow(/Cannot parse .*bad.csv as CSV/);
  });
});
