import type { Experiment, Metric, Param, Run, RunInfo, RunStatus, RunTag, ViewType } from './entities.js';
import type { AssessmentChanges, AssessmentRecord, NewAssessment } from './assessment-entities.js';
import type { TraceRecord } from './trace-entities.js';

export interface CreateRunInput {
  experimentId: string;
  runName: string;
  userId: string;
  startTime: number;
  tags: RunTag[];
}

export interface RunInfoUpdate {
  status?: RunStatus;
  endTime?: number | null;
  runName?: string;
}

export interface LogBatchInput {
  metrics?: Metric[];
  params?: Param[];
  tags?: RunTag[];
}

export interface SearchRunsInput {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

export interface SearchExperimentsInput {
  viewType?: ViewType;
  /** Only the experiments whose name matches this SQL LIKE pattern (case-sensitive). */
  nameLike?: string;
  maxResults?: number;
}

export interface SearchTracesInput {
  experimentIds: string[];
  /** MLflow's trace filter grammar: `trace.status = 'OK' AND tags.env = 'prod' AND span.type = 'LLM'`. */
  filter?: string;
  /** `timestamp_ms DESC` (the default), `execution_time_ms`, `status`, `name` … */
  orderBy?: string[];
  /** Default 100, at most 500 (MLflow's limit). */
  maxResults?: number;
  pageToken?: string;
  /** Only traces logged while this run was active (metadata `mlflow.sourceRun`). */
  runId?: string;
  /** Load the spans too (default true); without them `data.spans` is empty. */
  includeSpans?: boolean;
}

export interface DeleteTracesInput {
  experimentId: string;
  traceIds?: string[];
  /** Delete traces whose request time is at or before this (ms since the epoch). */
  maxTimestampMillis?: number;
}

/** The changes of updateAssessment, and which kind of value they carry when the caller knows it. */
export interface AssessmentUpdate extends AssessmentChanges {
  /**
   * The kind the new value is for (an update built from a Feedback or Expectation entity knows it). A value for
   * the other kind is INVALID_PARAMETER_VALUE: `Cannot update expectation value on a Feedback assessment.` (and the
   * reverse). An `error` is always a feedback value.
   */
  kind?: 'feedback' | 'expectation';
}

export interface PagedList<T> {
  items: T[];
  nextPageToken: string | null;
}

/**
 * What every tracking backend implements. Async throughout, even for the synchronous embedded SQLite store, so that a
 * networked store implements the same interface unchanged. Every implementation must pass `test/store/contract.ts`.
 *
 * Contract: unknown ids throw RESOURCE_DOES_NOT_EXIST; invalid values throw INVALID_PARAMETER_VALUE; a call that
 * throws has written nothing.
 */
export interface TrackingStore {
  /** Where artifacts of new experiments go (a `file://` URI for the local store). */
  readonly artifactRootUri: string;

  createExperiment(name: string, artifactLocation?: string, tags?: RunTag[]): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment | null>;
  searchExperiments(input?: SearchExperimentsInput): Promise<Experiment[]>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: RunTag): Promise<void>;

  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRunInfo(runId: string, update: RunInfoUpdate): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;

  /** Metrics, params and tags in one transaction: all are written, or none. */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  getMetricHistory(runId: string, key: string): Promise<Metric[]>;

  searchRuns(input: SearchRunsInput): Promise<PagedList<Run>>;

  /**
   * Stores a finished trace in one transaction. A trace id that is already stored (the other half of a distributed
   * trace) is merged: spans are added by span id, the request time is the earliest, the duration spans both halves,
   * tags are merged and metadata keys already stored are kept.
   */
  logTrace(trace: TraceRecord): Promise<void>;
  getTrace(traceId: string): Promise<TraceRecord | null>;
  searchTraces(input: SearchTracesInput): Promise<PagedList<TraceRecord>>;
  setTraceTag(traceId: string, key: string, value: string): Promise<void>;
  deleteTraceTag(traceId: string, key: string): Promise<void>;
  /** Returns how many traces were deleted (their assessments go with them). */
  deleteTraces(input: DeleteTracesInput): Promise<number>;

  // Assessments (feedback and expectations on traces). Every method is one transaction. A trace or assessment
  // that does not exist is RESOURCE_DOES_NOT_EXIST (`Assessment with ID '{a}' not found for trace '{t}'`).
  // getTrace and searchTraces return every assessment of a trace (valid or not, by create time) in info.assessments;
  // logTrace also stores the info.assessments that come with the trace.

  /** Stores a new assessment with a new id (`a-` + 32 hex) and times; `overrides` invalidates that feedback. */
  createAssessment(input: NewAssessment): Promise<AssessmentRecord>;
  /**
   * Stores many new assessments (on one or several traces) in one transaction, as createAssessment does each: all
   * are written, or none. Returns them in the order given.
   */
  createAssessments(inputs: readonly NewAssessment[]): Promise<AssessmentRecord[]>;
  getAssessment(traceId: string, assessmentId: string): Promise<AssessmentRecord>;
  /**
   * Edits in place: name, rationale, metadata (merged, incoming keys win), the feedback value and error (replaced
   * together) or the expectation value; the last update time becomes now. Source, span, create time, overrides
   * and valid never change.
   */
  updateAssessment(traceId: string, assessmentId: string, changes: AssessmentUpdate): Promise<AssessmentRecord>;
  /**
   * Stores `replacement` (a feedback) with `overrides` = assessmentId and valid = true, and sets the original's
   * valid = false, leaving it otherwise untouched. The original must be a feedback on that trace:
   * `The assessment with ID {a} is not a feedback assessment.`
   */
  overrideFeedback(traceId: string, assessmentId: string, replacement: NewAssessment): Promise<AssessmentRecord>;
  /** Hard delete; a missing one is a no-op. If it overrode X, X is valid again (unless another override of X remains). */
  deleteAssessment(traceId: string, assessmentId: string): Promise<void>;

  // The judge cache: LLM judge replies by a key the judge computes from (model, prompt, parameters).

  /** The cached reply for this key, or null. */
  getCachedJudgeReply(key: string): Promise<string | null>;
  /** Stores replies in one transaction; a key already stored gets the new value. */
  cacheJudgeReplies(entries: readonly JudgeCacheEntry[]): Promise<void>;

  close(): Promise<void>;
}

export interface JudgeCacheEntry {
  key: string;
  value: string;
}
