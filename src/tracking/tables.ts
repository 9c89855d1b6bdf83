import { EvalflowError } from '../core/errors.js';
import type { Run } from '../store/entities.js';
import { LocalArtifactRepository } from '../store/artifacts/local-artifact-repo.js';
import { getStore } from './client.js';
import { artifactRepository } from './artifacts.js';
import { targetRunId } from './logging.js';
import { searchRuns } from './runs.js';

/** Rows (`[{a: 1, b: 'x'}]`) or columns (`{a: [1], b: ['x']}`). */
export type TableData = Record<string, unknown>[] | Record<string, unknown[]>;

/** pandas' "split" orientation, the file shape MLflow's `log_table` writes. */
export interface SplitTable {
  columns: string[];
  data: unknown[][];
}

const LOGGED_ARTIFACTS_TAG = 'mlflow.loggedArtifacts';

/**
 * Logs a table as a JSON artifact in pandas "split" shape. When the file already exists in the run, the rows are
 * appended to it, as MLflow's `log_table` does. The file is recorded in the `mlflow.loggedArtifacts` tag.
 */
export async function logTable(data: TableData, artifactFile: string, options: { runId?: string } = {}): Promise<string> {
  if (!artifactFile.endsWith('.json')) {
    throw EvalflowError.invalid(`logTable writes JSON: the artifact file must end in ".json" (got "${artifactFile}").`);
  }
  const runId = await targetRunId(options.runId);
  const repo = await artifactRepository(runId);
  let table = toSplitTable(data);
  if (await repo.exists(artifactFile)) {
    table = appendTables(parseSplitTable((await repo.read(artifactFile)).toString('utf8'), artifactFile), table);
  }
  const uri = await repo.write(artifactFile, JSON.stringify(table, jsonSafe));
  await recordLoggedTable(runId, artifactFile);
  return uri;
}

export interface LoadTableOptions {
  /** Read the table from these runs; by default from every run of the active experiment that has it. */
  runIds?: string[];
  /** Columns of run information to add to every row: currently `run_id`. */
  extraColumns?: string[];
}

/** Reads a table logged with `logTable` from one or many runs, as rows. */
export async function loadTable(artifactFile: string, options: LoadTableOptions = {}): Promise<Record<string, unknown>[]> {
  for (const column of options.extraColumns ?? []) {
    if (column !== 'run_id') {
      throw EvalflowError.invalid(`loadTable: unknown extra column "${column}". The supported extra column is "run_id".`);
    }
  }
  const store = getStore();
  const runs: Run[] = options.runIds
    ? await Promise.all(options.runIds.map((id) => store.getRun(id)))
    : await searchRuns({ maxResults: 50_000 });
  const rows: Record<string, unknown>[] = [];
  let found = 0;
  for (const run of runs) {
    const repo = new LocalArtifactRepository(run.info.artifactUri);
    if (!(await repo.exists(artifactFile))) continue;
    found += 1;
    const table = parseSplitTable((await repo.read(artifactFile)).toString('utf8'), artifactFile);
    for (const values of table.data) {
      const row: Record<string, unknown> = {};
      table.columns.forEach((column, index) => {
        row[column] = values[index] ?? null;
      });
      if (options.extraColumns?.includes('run_id')) row.run_id = run.info.runId;
      rows.push(row);
    }
  }
  if (found === 0) {
    throw EvalflowError.notFound(
      `No run has a table artifact "${artifactFile}"` +
        (options.runIds ? ` (looked in runs ${options.runIds.join(', ')}).` : ' in the active experiment.'),
    );
  }
  return rows;
}

export function toSplitTable(data: TableData): SplitTable {
  if (Array.isArray(data)) {
    const columns: string[] = [];
    const seen = new Set<string>();
    data.forEach((row, index) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw EvalflowError.invalid(`logTable: row ${index} is not an object; give rows as [{ column: value }, …].`, {
          row: index,
        });
      }
      for (const key of Object.keys(row)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    });
    return { columns, data: data.map((row) => columns.map((column) => row[column] ?? null)) };
  }
  if (data === null || typeof data !== 'object') {
    throw EvalflowError.invalid('logTable expects rows ([{ column: value }]) or columns ({ column: [values] }).');
  }
  const columns = Object.keys(data);
  const lengths = columns.map((column) => {
    const values = data[column];
    if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
      throw EvalflowError.invalid(`logTable: column "${column}" is not an array of values.`, { column });
    }
    return (values as ArrayLike<unknown>).length;
  });
  const length = lengths[0] ?? 0;
  const mismatch = lengths.findIndex((l) => l !== length);
  if (mismatch >= 0) {
    throw EvalflowError.invalid(
      `logTable: column "${columns[mismatch]}" has ${lengths[mismatch]} values but "${columns[0]}" has ${length}; ` +
        'all columns must have the same length.',
    );
  }
  const rows: unknown[][] = [];
  for (let i = 0; i < length; i += 1) {
    rows.push(columns.map((column) => (data[column] as ArrayLike<unknown>)[i] ?? null));
  }
  return { columns, data: rows };
}

function appendTables(existing: SplitTable, added: SplitTable): SplitTable {
  const columns = [...existing.columns, ...added.columns.filter((c) => !existing.columns.includes(c))];
  const reshape = (table: SplitTable): unknown[][] =>
    table.data.map((values) => columns.map((column) => {
      const index = table.columns.indexOf(column);
      return index < 0 ? null : (values[index] ?? null);
    }));
  return { columns, data: [...reshape(existing), ...reshape(added)] };
}

function parseSplitTable(text: string, artifactFile: string): SplitTable {
  const parsed = JSON.parse(text) as Partial<SplitTable>;
  if (!Array.isArray(parsed.columns) || !Array.isArray(parsed.data)) {
    throw EvalflowError.invalid(`Artifact "${artifactFile}" is not a table ({"columns": [...], "data": [[...]]}).`);
  }
  return { columns: parsed.columns.map(String), data: parsed.data };
}

/** JSON has no NaN or Infinity: write them as null, as pandas does; typed arrays become plain arrays. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

async function recordLoggedTable(runId: string, artifactFile: string): Promise<void> {
  const store = getStore();
  const run = await store.getRun(runId);
  let entries: { path: string; type: string }[] = [];
  try {
    entries = JSON.parse(run.data.tags[LOGGED_ARTIFACTS_TAG] ?? '[]') as { path: string; type: string }[];
  } catch {
    entries = [];
  }
  if (entries.some((entry) => entry.path === artifactFile)) return;
  entries.push({ path: artifactFile, type: 'table' });
  await store.logBatch(runId, { tags: [{ key: LOGGED_ARTIFACTS_TAG, value: JSON.stringify(entries) }] });
}
