// The public API of evalflow: everything a user imports from "evalflow".

export { EvalflowError, ErrorCode, isEvalflowError } from './core/errors.js';
export { setTrackingUri, getTrackingUri, EnvVars } from './core/config.js';

export type {
  Experiment,
  Metric,
  Param,
  Run,
  RunData,
  RunInfo,
  RunStatus,
  RunTag,
  LifecycleStage,
  ViewType,
} from './store/entities.js';
export { SystemTags } from './store/entities.js';
export type { TrackingStore, PagedList } from './store/tracking-store.js';
export type { ArtifactInfo } from './store/artifacts/local-artifact-repo.js';

export {
  createExperiment,
  getExperiment,
  getExperimentByName,
  setExperiment,
  searchExperiments,
  renameExperiment,
  deleteExperiment,
  restoreExperiment,
  setExperimentTag,
  setExperimentTags,
} from './tracking/experiments.js';
export type { CreateExperimentOptions, SetExperimentOptions, SearchExperimentsOptions } from './tracking/experiments.js';

export {
  startRun,
  endRun,
  withRun,
  activeRun,
  lastActiveRun,
  getRun,
  getParentRun,
  deleteRun,
  restoreRun,
  searchRuns,
  searchRunsPage,
} from './tracking/runs.js';
export type { StartRunOptions, SearchRunsOptions, SearchRunsPage } from './tracking/runs.js';

export {
  logParam,
  logParams,
  logMetric,
  logMetrics,
  logBatch,
  setTag,
  setTags,
  deleteTag,
  getMetricHistory,
} from './tracking/logging.js';
export type { LogMetricOptions, ParamValue, BatchEntries } from './tracking/logging.js';

export {
  getArtifactUri,
  logArtifact,
  logArtifacts,
  logDict,
  logText,
  listArtifacts,
  loadText,
  loadDict,
} from './tracking/artifacts.js';
export { logTable, loadTable } from './tracking/tables.js';
export { logFigure } from './tracking/figures.js';
export type { TableData, SplitTable, LoadTableOptions } from './tracking/tables.js';
export { closeStores } from './tracking/client.js';

// Evaluation
export { evaluate } from './evaluate/evaluate.js';
export type { EvaluateOptions, EvaluationData } from './evaluate/evaluate.js';
export type { GenaiColumns, GenaiEvaluateOptions, ConcurrencyOptions, EvaluationProgress, JudgeStats } from './evaluate/genai/index.js';
export { EvaluationResult, JUPYTER_DISPLAY } from './evaluate/result.js';
export type { EvaluationArtifact, ArtifactKind } from './evaluate/result.js';
export type { Model, RowModel, BatchModel } from './evaluate/predict.js';
export type { CustomArtifact } from './evaluate/custom-artifacts.js';
export { registerEvaluator, listEvaluators } from './evaluate/registry.js';
export { makeMetric } from '../metrics/make-metric.js';
export type { EvaluationMetric, MakeMetricOptions, MetricArguments, EvalFn, EvalFnContext } from '../metrics/make-metric.js';
export { MetricValue } from '../metrics/metric-value.js';
export type { Score } from '../metrics/metric-value.js';
export type { Evaluator, EvaluatorConfig, EvaluatorInput, EvaluatorOutput, ModelType } from '../evaluators/types.js';
export { EvalTable } from './data/eval-table.js';
export { loadTableFile } from './data/load-file.js';
export {
  MetricThreshold,
  validateEvaluationResults,
  checkEvaluationResults,
  loadThresholds,
  ModelValidationFailedError,
} from './evaluate/validation/index.js';
export type {
  MetricThresholdOptions,
  MetricsResult,
  MetricValidationResult,
  ValidationFailure,
  ValidationFailureKind,
  ValidationReport,
} from './evaluate/validation/index.js';

// Tracing
export * from './tracing/index.js';
export type { TraceRecord, TraceInfoRecord, SpanRecord, TraceState } from './store/trace-entities.js';
export { SpanAttributeKey, TraceMetadataKey, TraceTagKey } from './store/trace-entities.js';

// Feedback
export * from './assessments/index.js';

// Auto-tracing of LLM clients
export { autolog, tracedOpenAI } from './integrations/openai/index.js';
export type { AutologOpenAIOptions, TokenUsage } from './integrations/openai/index.js';
export { startUi, type UiOptions, type UiServer } from './ui/index.js';
