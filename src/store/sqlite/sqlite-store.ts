import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EvalflowError } from '../../core/errors.js';
import { nowMs } from '../../core/clock.js';
import { newRunId } from '../../core/ids.js';
import {
  SystemTags,
  type Experiment,
  type LifecycleStage,
  type Metric,
  type Run,
  type RunInfo,
  type RunStatus,
  type RunTag,
  type ViewType,
} from '../entities.js';
import type {
  CreateRunInput,
  LogBatchInput,
  PagedList,
  RunInfoUpdate,
  SearchExperimentsInput,
  SearchRunsInput,
  TrackingStore,
} from '../tracking-store.js';
import { buildRunSearchQuery, encodePageToken } from '../search/run-query.js';
import { likeToGlob } from '../search/like-pattern.js';
import { openDatabase } from './open-database.js';
import { prepareBatch } from './batch.js';
import { traceTablesFor } from './trace-tables.js';
import { assessmentTablesFor } from './assessment-tables.js';
import { judgeCacheFor } from './judge-cache.js';
import type { TraceRecord } from '../trace-entities.js';
import type { AssessmentUpdate, DeleteTracesInput, JudgeCacheEntry, SearchTracesInput } from '../tracking-store.js';
import type { AssessmentRecord, NewAssessment } from '../assessment-entities.js';

export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
}

interface RunRow {
  run_id: string;
  experiment_id: number;
  run_name: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  artifact_uri: string;
}

interface KeyValueRow {
  run_id: string;
  key: string;
  value: string;
}

interface MetricRow {
  run_id: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
}

/** The embedded store: one SQLite file (better-sqlite3, WAL) and an artifact folder beside it. */
export class SqliteTrackingStore implements TrackingStore {
  readonly artifactRootUri: string;
  readonly dbPath: string;
  private readonly db: Database.Database;

  constructor(dbPath: string, artifactRoot: string) {
    this.dbPath = dbPath;
    mkdirSync(artifactRoot, { recursive: true });
    this.artifactRootUri = pathToFileURL(artifactRoot).href;
    this.db = openDatabase(dbPath);
    this.ensureDefaultExperiment(artifactRoot);
    // Registers the feedback / expectation trace filters on this connection's trace tables.
    assessmentTablesFor(this.db);
  }

  /** The underlying connection, for stores built on this one (traces, assessments) and for tests. */
  get database(): Database.Database {
    return this.db;
  }

  private ensureDefaultExperiment(artifactRoot: string): void {
    const time = nowMs();
    this.db
      .prepare(
        `INSERT OR IGNORE INTO experiments
           (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (0, ?, ?, 'active', ?, ?)`,
      )
      .run(DEFAULT_EXPERIMENT_NAME, pathToFileURL(join(artifactRoot, DEFAULT_EXPERIMENT_ID)).href, time, time);
  }

  // ---- experiments -------------------------------------------------------------------------------------------

  async createExperiment(name: string, artifactLocation?: string, tags: RunTag[] = []): Promise<string> {
    const time = nowMs();
    const create = this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM experiments WHERE name = ?').get(name)) {
        throw EvalflowError.alreadyExists(
          `An experiment named "${name}" already exists. Use getExperimentByName("${name}") or setExperiment("${name}") ` +
            'to use it, or choose another name.',
          { name },
        );
      }
      const next = this.db.prepare('SELECT COALESCE(MAX(experiment_id), 0) + 1 AS id FROM experiments').get() as {
        id: number;
      };
      const location = artifactLocation ?? `${this.artifactRootUri}/${next.id}`;
      this.db
        .prepare(
          `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES (?, ?, ?, 'active', ?, ?)`,
        )
        .run(next.id, name, location, time, time);
      const insertTag = this.db.prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)');
      for (const tag of tags) insertTag.run(next.id, tag.key, tag.value);
      return String(next.id);
    });
    return create.immediate();
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const row = this.db
      .prepare('SELECT * FROM experiments WHERE experiment_id = ?')
      .get(toExperimentKey(experimentId)) as ExperimentRow | undefined;
    if (!row) {
      throw EvalflowError.notFound(
        `No experiment with id "${experimentId}". List experiments with searchExperiments() or create one with ` +
          'createExperiment(name).',
        { experimentId },
      );
    }
    return this.toExperiment(row);
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    const row = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    return row ? this.toExperiment(row) : null;
  }

  async searchExperiments(input: SearchExperimentsInput = {}): Promise<Experiment[]> {
    const params: unknown[] = [];
    const where = [lifecycleCondition(input.viewType ?? 'ACTIVE_ONLY')];
    if (input.nameLike !== undefined) {
      where.push('name GLOB ?');
      params.push(likeToGlob(input.nameLike));
    }
    const limit = input.maxResults ?? 1000;
    const rows = this.db
      .prepare(`SELECT * FROM experiments WHERE ${where.join(' AND ')} ORDER BY last_update_time DESC, experiment_id ASC LIMIT ?`)
      .all(...params, limit) as ExperimentRow[];
    return rows.map((row) => this.toExperiment(row));
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    const experiment = await this.getExperiment(experimentId);
    if (experiment.name === newName) return;
    if (await this.getExperimentByName(newName)) {
      throw EvalflowError.alreadyExists(`Cannot rename experiment ${experimentId}: "${newName}" is taken.`, { newName });
    }
    this.db
      .prepare('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?')
      .run(newName, nowMs(), toExperimentKey(experimentId));
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    if (experimentId === DEFAULT_EXPERIMENT_ID) {
      throw EvalflowError.invalid('The Default experiment (id "0") cannot be deleted.');
    }
    await this.getExperiment(experimentId);
    const time = nowMs();
    const remove = this.db.transaction(() => {
      const key = toExperimentKey(experimentId);
      this.db
        .prepare("UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = ? WHERE experiment_id = ?")
        .run(time, key);
      this.db
        .prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'")
        .run(time, key);
    });
    remove.immediate();
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.getExperiment(experimentId);
    const restore = this.db.transaction(() => {
      const key = toExperimentKey(experimentId);
      this.db
        .prepare("UPDATE experiments SET lifecycle_stage = 'active', last_update_time = ? WHERE experiment_id = ?")
        .run(nowMs(), key);
      this.db
        .prepare("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ? AND lifecycle_stage = 'deleted'")
        .run(key);
    });
    restore.immediate();
  }

  async setExperimentTag(experimentId: string, tag: RunTag): Promise<void> {
    await this.getExperiment(experimentId);
    this.db
      .prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)')
      .run(toExperimentKey(experimentId), tag.key, tag.value);
  }

  private toExperiment(row: ExperimentRow): Experiment {
    const tags = this.db
      .prepare('SELECT key, value FROM experiment_tags WHERE experiment_id = ?')
      .all(row.experiment_id) as { key: string; value: string }[];
    return {
      experimentId: String(row.experiment_id),
      name: row.name,
      artifactLocation: row.artifact_location,
      lifecycleStage: row.lifecycle_stage,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      creationTime: row.creation_time,
      lastUpdateTime: row.last_update_time,
    };
  }

  // ---- runs --------------------------------------------------------------------------------------------------

  async createRun(input: CreateRunInput): Promise<Run> {
    const experiment = await this.getExperiment(input.experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw EvalflowError.invalid(
        `Experiment "${experiment.name}" (id ${experiment.experimentId}) is deleted; restore it or choose another.`,
      );
    }
    const runId = newRunId();
    const artifactUri = `${experiment.artifactLocation}/${runId}/artifacts`;
    const tags = new Map(input.tags.map((t) => [t.key, t.value]));
    tags.set(SystemTags.RUN_NAME, input.runName);
    const create = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri)
           VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, 'active', ?)`,
        )
        .run(runId, toExperimentKey(input.experimentId), input.runName, input.userId, input.startTime, artifactUri);
      const insertTag = this.db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
      for (const [key, value] of tags) insertTag.run(runId, key, value);
    });
    create.immediate();
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<Run> {
    const [run] = this.loadRuns([runId]);
    if (!run) throw runNotFound(runId);
    return run;
  }

  async updateRunInfo(runId: string, update: RunInfoUpdate): Promise<RunInfo> {
    const update_ = this.db.transaction(() => {
      this.requireActiveRun(runId);
      if (update.status !== undefined) this.db.prepare('UPDATE runs SET status = ? WHERE run_id = ?').run(update.status, runId);
      if (update.endTime !== undefined) this.db.prepare('UPDATE runs SET end_time = ? WHERE run_id = ?').run(update.endTime, runId);
      if (update.runName !== undefined) {
        this.db.prepare('UPDATE runs SET run_name = ? WHERE run_id = ?').run(update.runName, runId);
        this.db
          .prepare('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)')
          .run(runId, SystemTags.RUN_NAME, update.runName);
      }
    });
    update_.immediate();
    return (await this.getRun(runId)).info;
  }

  async deleteRun(runId: string): Promise<void> {
    this.requireRun(runId);
    this.db.prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_id = ?").run(nowMs(), runId);
  }

  async restoreRun(runId: string): Promise<void> {
    this.requireRun(runId);
    this.db.prepare("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_id = ?").run(runId);
  }

  // ---- metrics, params, tags ---------------------------------------------------------------------------------

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const write = this.db.transaction(() => {
      this.requireActiveRun(runId);
      const existingParams = new Map<string, string>();
      const keys = (batch.params ?? []).map((p) => p.key);
      if (keys.length > 0) {
        const rows = this.db
          .prepare('SELECT key, value FROM params WHERE run_id = ? AND key IN (SELECT value FROM json_each(?))')
          .all(runId, JSON.stringify(keys)) as { key: string; value: string }[];
        for (const row of rows) existingParams.set(row.key, row.value);
      }
      const plan = prepareBatch(runId, batch, existingParams, this.latestMetrics(runId, batch.metrics ?? []));
      const insertParam = this.db.prepare('INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)');
      for (const param of plan.newParams) insertParam.run(runId, param.key, param.value);
      const upsertTag = this.db.prepare('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)');
      for (const tag of plan.tags) upsertTag.run(runId, tag.key, tag.value);
      if (plan.runName !== undefined) {
        this.db.prepare('UPDATE runs SET run_name = ? WHERE run_id = ?').run(plan.runName, runId);
      }
      const insertMetric = this.db.prepare(
        'INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const metric of batch.metrics ?? []) {
        const isNan = Number.isNaN(metric.value);
        insertMetric.run(runId, metric.key, isNan ? 0 : metric.value, isNan ? 1 : 0, metric.timestamp, metric.step);
      }
      const upsertLatest = this.db.prepare(
        'INSERT OR REPLACE INTO latest_metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const metric of plan.latestMetrics) {
        const isNan = Number.isNaN(metric.value);
        upsertLatest.run(runId, metric.key, isNan ? 0 : metric.value, isNan ? 1 : 0, metric.timestamp, metric.step);
      }
    });
    write.immediate();
  }

  /** The stored latest value of each key the batch touches. */
  private latestMetrics(runId: string, metrics: Metric[]): Map<string, Metric> {
    const latest = new Map<string, Metric>();
    if (metrics.length === 0) return latest;
    const keys = [...new Set(metrics.map((m) => m.key))];
    const rows = this.db
      .prepare(
        'SELECT key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_id = ? AND key IN (SELECT value FROM json_each(?))',
      )
      .all(runId, JSON.stringify(keys)) as MetricRow[];
    for (const row of rows) latest.set(row.key, toMetric(row));
    return latest;
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const remove = this.db.transaction(() => {
      this.requireActiveRun(runId);
      const result = this.db.prepare('DELETE FROM tags WHERE run_id = ? AND key = ?').run(runId, key);
      if (result.changes === 0) {
        throw EvalflowError.notFound(`No tag "${key}" on run ${runId}.`, { runId, key });
      }
    });
    remove.immediate();
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    this.requireRun(runId);
    const rows = this.db
      .prepare(
        'SELECT key, value, is_nan, timestamp, step FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, rowid',
      )
      .all(runId, key) as MetricRow[];
    return rows.map(toMetric);
  }

  // ---- search ------------------------------------------------------------------------------------------------

  async searchRuns(input: SearchRunsInput): Promise<PagedList<Run>> {
    const query = buildRunSearchQuery(input);
    const ids = (this.db.prepare(query.sql).all(...query.params) as { run_id: string }[]).map((r) => r.run_id);
    const hasMore = ids.length > query.limit;
    const pageIds = hasMore ? ids.slice(0, query.limit) : ids;
    const byId = new Map(this.loadRuns(pageIds).map((run) => [run.info.runId, run]));
    const items = pageIds.flatMap((id) => {
      const run = byId.get(id);
      return run ? [run] : [];
    });
    return { items, nextPageToken: hasMore ? encodePageToken(query.offset + query.limit) : null };
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  /** Runs with their latest metrics, params and tags, in four queries whatever the number of runs. */
  private loadRuns(runIds: string[]): Run[] {
    if (runIds.length === 0) return [];
    const idsJson = JSON.stringify(runIds);
    const inIds = 'run_id IN (SELECT value FROM json_each(?))';
    const runRows = this.db.prepare(`SELECT * FROM runs WHERE ${inIds}`).all(idsJson) as RunRow[];
    const runs = new Map<string, Run>();
    for (const row of runRows) {
      runs.set(row.run_id, {
        info: {
          runId: row.run_id,
          experimentId: String(row.experiment_id),
          runName: row.run_name,
          userId: row.user_id,
          status: row.status,
          startTime: row.start_time,
          endTime: row.end_time,
          lifecycleStage: row.lifecycle_stage,
          artifactUri: row.artifact_uri,
        },
        data: { metrics: {}, params: {}, tags: {} },
      });
    }
    for (const row of this.db.prepare(`SELECT run_id, key, value, is_nan FROM latest_metrics WHERE ${inIds}`).all(idsJson) as MetricRow[]) {
      const run = runs.get(row.run_id);
      if (run) run.data.metrics[row.key] = row.is_nan ? Number.NaN : row.value;
    }
    for (const row of this.db.prepare(`SELECT run_id, key, value FROM params WHERE ${inIds}`).all(idsJson) as KeyValueRow[]) {
      const run = runs.get(row.run_id);
      if (run) run.data.params[row.key] = row.value;
    }
    for (const row of this.db.prepare(`SELECT run_id, key, value FROM tags WHERE ${inIds}`).all(idsJson) as KeyValueRow[]) {
      const run = runs.get(row.run_id);
      if (run) run.data.tags[row.key] = row.value;
    }
    return runIds.flatMap((id) => {
      const run = runs.get(id);
      return run ? [run] : [];
    });
  }

  private requireRun(runId: string): { lifecycle_stage: LifecycleStage } {
    const row = this.db.prepare('SELECT lifecycle_stage FROM runs WHERE run_id = ?').get(runId) as
      | { lifecycle_stage: LifecycleStage }
      | undefined;
    if (!row) throw runNotFound(runId);
    return row;
  }

  private requireActiveRun(runId: string): void {
    if (this.requireRun(runId).lifecycle_stage !== 'active') {
      throw EvalflowError.invalid(
        `Run ${runId} is deleted; restore it with restoreRun("${runId}") before logging to it or changing it.`,
        { runId },
      );
    }
  }

  // ---- traces (tables and statements in trace-tables.ts) ----------------------------------------------------

  async logTrace(trace: TraceRecord): Promise<void> {
    this.writeTraces([trace]);
  }

  /**
   * Stores many traces in one transaction (all or none), each merged as logTrace does: the fast path for bulk
   * import. Not part of TrackingStore.
   */
  async logTraces(traces: readonly TraceRecord[]): Promise<void> {
    this.writeTraces(traces);
  }

  /** Traces and the assessments that came with them (logged while each trace was open), in one transaction. */
  private writeTraces(traces: readonly TraceRecord[]): void {
    const traceTables = traceTablesFor(this.db);
    if (!traces.some((trace) => (trace.info.assessments?.length ?? 0) > 0)) {
      if (traces.length === 1) traceTables.logTrace(traces[0] as TraceRecord);
      else traceTables.logTraces(traces);
      return;
    }
    const assessments = assessmentTablesFor(this.db);
    this.db
      .transaction(() => {
        traceTables.logTraces(traces);
        assessments.writeWithTraces(traces);
      })
      .immediate();
  }

  async getTrace(traceId: string): Promise<TraceRecord | null> {
    // One read transaction: the trace and its assessments from the same snapshot.
    return this.db.transaction(() => {
      const trace = traceTablesFor(this.db).getTrace(traceId);
      if (trace) assessmentTablesFor(this.db).attach([trace]);
      return trace;
    })();
  }

  async searchTraces(input: SearchTracesInput): Promise<PagedList<TraceRecord>> {
    return this.db.transaction(() => {
      const page = traceTablesFor(this.db).searchTraces(input);
      assessmentTablesFor(this.db).attach(page.items);
      return page;
    })();
  }

  async setTraceTag(traceId: string, key: string, value: string): Promise<void> {
    traceTablesFor(this.db).setTraceTag(traceId, key, value);
  }

  async deleteTraceTag(traceId: string, key: string): Promise<void> {
    traceTablesFor(this.db).deleteTraceTag(traceId, key);
  }

  async deleteTraces(input: DeleteTracesInput): Promise<number> {
    return traceTablesFor(this.db).deleteTraces(input);
  }

  // ---- assessments (tables and statements in assessment-tables.ts) ------------------------------------------

  async createAssessment(input: NewAssessment): Promise<AssessmentRecord> {
    return assessmentTablesFor(this.db).create(input);
  }

  async createAssessments(inputs: readonly NewAssessment[]): Promise<AssessmentRecord[]> {
    return assessmentTablesFor(this.db).createMany(inputs);
  }

  async getAssessment(traceId: string, assessmentId: string): Promise<AssessmentRecord> {
    return assessmentTablesFor(this.db).get(traceId, assessmentId);
  }

  async updateAssessment(traceId: string, assessmentId: string, changes: AssessmentUpdate): Promise<AssessmentRecord> {
    return assessmentTablesFor(this.db).update(traceId, assessmentId, changes);
  }

  async overrideFeedback(traceId: string, assessmentId: string, replacement: NewAssessment): Promise<AssessmentRecord> {
    return assessmentTablesFor(this.db).override(traceId, assessmentId, replacement);
  }

  async deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    assessmentTablesFor(this.db).delete(traceId, assessmentId);
  }

  // ---- judge cache (judge-cache.ts) ---------------------------------------------------------------------------

  async getCachedJudgeReply(key: string): Promise<string | null> {
    return judgeCacheFor(this.db).get(key);
  }

  async cacheJudgeReplies(entries: readonly JudgeCacheEntry[]): Promise<void> {
    judgeCacheFor(this.db).put(entries);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toMetric(row: MetricRow): Metric {
  return { key: row.key, value: row.is_nan ? Number.NaN : row.value, timestamp: row.timestamp, step: row.step };
}

function runNotFound(runId: string): EvalflowError {
  return EvalflowError.notFound(`No run with id "${runId}". Find run ids with searchRuns().`, { runId });
}

/** Experiment ids are integers stored as SQLite INTEGER keys; any other id can match nothing. */
function toExperimentKey(experimentId: string): number | string {
  return /^\d+$/.test(experimentId) ? Number(experimentId) : experimentId;
}

function lifecycleCondition(viewType: ViewType): string {
  if (viewType === 'ALL') return '1 = 1';
  return viewType === 'DELETED_ONLY' ? "lifecycle_stage = 'deleted'" : "lifecycle_stage = 'active'";
}
