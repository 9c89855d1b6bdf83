/**
 * Numbered schema migrations. The applied version is kept in `PRAGMA user_version`; each migration runs in the
 * same IMMEDIATE transaction that bumps the version, so two processes opening a new store never apply one twice.
 * Never edit a migration that has shipped: add the next number.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'experiments, runs, params, tags, metrics',
    sql: `
      CREATE TABLE experiments (
        experiment_id     INTEGER PRIMARY KEY,
        name              TEXT    NOT NULL UNIQUE,
        artifact_location TEXT    NOT NULL,
        lifecycle_stage   TEXT    NOT NULL DEFAULT 'active',
        creation_time     INTEGER NOT NULL,
        last_update_time  INTEGER NOT NULL
      );
      CREATE TABLE experiment_tags (
        experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
        key           TEXT    NOT NULL,
        value         TEXT    NOT NULL,
        PRIMARY KEY (experiment_id, key)
      );
      CREATE TABLE runs (
        run_id          TEXT    PRIMARY KEY,
        experiment_id   INTEGER NOT NULL REFERENCES experiments(experiment_id),
        run_name        TEXT    NOT NULL,
        user_id         TEXT    NOT NULL,
        status          TEXT    NOT NULL,
        start_time      INTEGER NOT NULL,
        end_time        INTEGER,
        lifecycle_stage TEXT    NOT NULL DEFAULT 'active',
        artifact_uri    TEXT    NOT NULL,
        deleted_time    INTEGER
      );
      CREATE INDEX runs_by_experiment ON runs(experiment_id, lifecycle_stage, start_time DESC, run_id);
      CREATE TABLE params (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key    TEXT NOT NULL,
        value  TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE tags (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key    TEXT NOT NULL,
        value  TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      -- Full history. NaN cannot be stored in a SQLite REAL (it becomes NULL), so it is flagged in is_nan with value 0,
      -- as MLflow's SQL store does.
      CREATE TABLE metrics (
        run_id    TEXT    NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key       TEXT    NOT NULL,
        value     REAL    NOT NULL,
        is_nan    INTEGER NOT NULL DEFAULT 0,
        timestamp INTEGER NOT NULL,
        step      INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX metrics_by_run_key ON metrics(run_id, key, step);
      -- The value searchRuns and getRun see: the one with the largest (step, timestamp, value), as in MLflow.
      CREATE TABLE latest_metrics (
        run_id    TEXT    NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        key       TEXT    NOT NULL,
        value     REAL    NOT NULL,
        is_nan    INTEGER NOT NULL DEFAULT 0,
        timestamp INTEGER NOT NULL,
        step      INTEGER NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX latest_metrics_by_key ON latest_metrics(key, value);
    `,
  },
];
