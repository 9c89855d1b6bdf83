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
  {
    version: 2,
    description: 'traces, trace tags and metadata, spans',
    sql: `
      -- One row per trace (MLflow's TraceInfo V3), times in ms. trace_key is an internal integer key: OTel trace ids
      -- are random, so children keyed by the text id would be inserted all over their b-trees; keyed by trace_key
      -- they are appended, which keeps logging a trace to a few written pages. name = the mlflow.traceName tag, else
      -- the root span's name; run_id = the mlflow.sourceRun metadata: copies kept for filtering.
      CREATE TABLE traces (
        trace_key          INTEGER PRIMARY KEY,
        trace_id           TEXT    NOT NULL UNIQUE,
        experiment_id      INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
        client_request_id  TEXT,
        request_time       INTEGER NOT NULL,
        execution_duration INTEGER,
        state              TEXT    NOT NULL,
        request_preview    TEXT,
        response_preview   TEXT,
        name               TEXT,
        run_id             TEXT
      );
      CREATE INDEX traces_by_experiment_time ON traces(experiment_id, request_time DESC, trace_id);
      CREATE INDEX traces_by_run ON traces(run_id, request_time DESC) WHERE run_id IS NOT NULL;
      CREATE TABLE trace_tags (
        trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
        key       TEXT    NOT NULL,
        value     TEXT    NOT NULL,
        PRIMARY KEY (trace_key, key)
      ) WITHOUT ROWID;
      CREATE TABLE trace_metadata (
        trace_key INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
        key       TEXT    NOT NULL,
        value     TEXT    NOT NULL,
        PRIMARY KEY (trace_key, key)
      ) WITHOUT ROWID;
      -- Times in ns since the epoch (64-bit integers, read back as bigint). type = the decoded mlflow.spanType
      -- attribute. content = the whole span as JSON, ns times as decimal strings. The unique key is also the
      -- per-trace index; spans_by_trace answers span.name / span.type conditions from the index alone.
      CREATE TABLE spans (
        trace_key            INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
        span_id              TEXT    NOT NULL,
        parent_span_id       TEXT,
        name                 TEXT    NOT NULL,
        type                 TEXT,
        status               TEXT    NOT NULL,
        start_time_unix_nano INTEGER NOT NULL,
        end_time_unix_nano   INTEGER,
        content              TEXT    NOT NULL,
        UNIQUE (trace_key, span_id)
      );
      CREATE INDEX spans_by_trace ON spans(trace_key, name, type);
    `,
  },
  {
    version: 3,
    description: 'assessments (feedback and expectations on traces)',
    sql: `
      -- One row per assessment (MLflow's Assessment), times in ms. value = the value as JSON text (NULL for a feedback
      -- that has only an error); value_text = the text trace filters compare (feedback.<name> = 'yes'): a string value
      -- as it is, any other value as its JSON text (true, 0.8). error = {"error_code", "error_message", "stack_trace"}
      -- as JSON; metadata = a JSON object of strings. overrides = the id of the feedback this one supersedes; valid = 0
      -- once another feedback overrides this one. Assessments go with their trace (ON DELETE CASCADE).
      CREATE TABLE assessments (
        assessment_id    TEXT    PRIMARY KEY,
        trace_key        INTEGER NOT NULL REFERENCES traces(trace_key) ON DELETE CASCADE,
        span_id          TEXT,
        name             TEXT    NOT NULL,
        kind             TEXT    NOT NULL CHECK (kind IN ('feedback', 'expectation')),
        source_type      TEXT    NOT NULL,
        source_id        TEXT    NOT NULL,
        create_time      INTEGER NOT NULL,
        last_update_time INTEGER NOT NULL,
        value            TEXT,
        value_text       TEXT,
        error            TEXT,
        rationale        TEXT,
        metadata         TEXT    NOT NULL DEFAULT '{}',
        overrides        TEXT,
        valid            INTEGER NOT NULL DEFAULT 1 CHECK (valid IN (0, 1))
      );
      -- A trace's assessments in create order (getTrace, searchTraces, overrides of one trace).
      CREATE INDEX assessments_by_trace ON assessments(trace_key, create_time);
      -- Trace filters: the valid assessments with a name, on one trace (EXISTS) or across traces.
      CREATE INDEX assessments_by_name ON assessments(name, valid, trace_key);
    `,
  },
  {
    version: 4,
    description: 'judge cache (LLM judge replies by model, prompt and parameters)',
    sql: `
      -- One row per judge-model reply: key = a hash of (model, prompt, parameters) that the judge computes, value =
      -- the reply text, created_at in ms. evaluate() reads it before calling a judge model (unless cache: false).
      CREATE TABLE judge_cache (
        key        TEXT    PRIMARY KEY,
        value      TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
