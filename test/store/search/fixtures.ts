import Database from 'better-sqlite3';
import { migrations } from '../../../src/store/sqlite/migrations.js';
import { buildRunSearchQuery, type RunSearchInput } from '../../../src/store/search/run-query.js';

export type Db = Database.Database;

export function createDb(): Db {
  const db = new Database(':memory:');
  for (const migration of migrations) db.exec(migration.sql);
  return db;
}

export interface RunSeed {
  id: string;
  experimentId?: number;
  name?: string;
  user?: string;
  status?: string;
  start: number;
  end?: number | null;
  stage?: 'active' | 'deleted';
  artifactUri?: string;
  /** NaN is stored as MLflow does: value 0 with is_nan = 1. */
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

export function insertRuns(db: Db, runs: RunSeed[]): void {
  const experiment = db.prepare(
    "INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (?, ?, '/a', 0, 0)",
  );
  const run = db.prepare(
    'INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const metric = db.prepare('INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, 0, 0)');
  const param = db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
  const tag = db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const r of runs) {
      const experimentId = r.experimentId ?? 1;
      experiment.run(experimentId, `exp-${experimentId}`);
      run.run(r.id, experimentId, r.name ?? r.id, r.user ?? 'ann', r.status ?? 'FINISHED', r.start, r.end ?? null, r.stage ?? 'active', r.artifactUri ?? `/a/${r.id}`);
      for (const [key, value] of Object.entries(r.metrics ?? {})) {
        metric.run(r.id, key, Number.isNaN(value) ? 0 : value, Number.isNaN(value) ? 1 : 0);
      }
      for (const [key, value] of Object.entries(r.params ?? {})) param.run(r.id, key, value);
      for (const [key, value] of Object.entries(r.tags ?? {})) tag.run(r.id, key, value);
    }
  })();
}

/** Runs the search and returns the page's run ids (the extra row only tells whether there is more). */
export function search(db: Db, input: RunSearchInput): { ids: string[]; hasMore: boolean } {
  const query = buildRunSearchQuery(input);
  const rows = db.prepare(query.sql).all(...query.params) as { run_id: string }[];
  const ids = rows.map((row) => row.run_id);
  return { ids: ids.slice(0, query.limit), hasMore: ids.length > query.limit };
}
