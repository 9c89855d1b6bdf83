import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { EvalTable } from '../data/eval-table.js';
import { SystemTags, type RunTag } from '../store/entities.js';

export interface DatasetInfo {
  name: string;
  /** First 16 hex digits of a SHA-256 over the column names and values. */
  hash: string;
  path?: string;
  rows: number;
}

/** Names and fingerprints the evaluation data, as MLflow records its datasets. */
export function describeDataset(source: { table: EvalTable; path: string | undefined }, datasetName?: string): DatasetInfo {
  const hash = createHash('sha256');
  for (const name of source.table.columnNames) {
    const column = source.table.column(name);
    hash.update(`\u0000${name}\u0000`);
    if (column.numbers) hash.update(new Uint8Array(column.numbers.buffer, column.numbers.byteOffset, column.numbers.byteLength));
    else hash.update(JSON.stringify(column.values));
  }
  return {
    name: datasetName ?? (source.path ? basename(source.path) : 'dataset'),
    hash: hash.digest('hex').slice(0, 16),
    ...(source.path && { path: source.path }),
    rows: source.table.rowCount,
  };
}

/** The `mlflow.datasets` tag: a JSON list of the datasets a run was evaluated on (one entry per name and hash). */
export function datasetTag(existingTags: Record<string, string>, dataset: DatasetInfo, modelType: string | undefined): RunTag {
  let entries: Record<string, unknown>[] = [];
  try {
    const parsed = JSON.parse(existingTags[SystemTags.DATASETS] ?? '[]') as unknown;
    if (Array.isArray(parsed)) entries = parsed as Record<string, unknown>[];
  } catch {
    entries = [];
  }
  const entry = { ...dataset, model: modelType ?? null };
  const kept = entries.filter((e) => !(e.name === dataset.name && e.hash === dataset.hash));
  return { key: SystemTags.DATASETS, value: JSON.stringify([...kept, entry]) };
}
