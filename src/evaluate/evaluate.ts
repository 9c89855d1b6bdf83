import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvalflowError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { EvalTable, type TableInput } from '../data/eval-table.js';
import { loadTableFile } from '../data/load-file.js';
import { LocalArtifactRepository } from '../store/artifacts/local-artifact-repo.js';
import { getStore } from '../tracking/client.js';
import type { EvaluationMetric } from '../../metrics/make-metric.js';
import { isEvaluationMetric } from '../../metrics/make-metric.js';
import { MODEL_TYPES, type Evaluator, type EvaluatorConfig, type EvaluatorInput, type EvaluatorOutput, type ModelType } from '../../evaluators/types.js';
import { configFor, normaliseEvaluatorConfig } from './config.js';
import { stageCustomArtifacts, type CustomArtifact, type StagedArtifact } from './custom-artifacts.js';
import { datasetTag, describeDataset } from './dataset.js';
import { computeExtraMetrics } from './extra-metrics.js';
import { predict, type Model } from './predict.js';
import { captureRetrieverSpans } from './retriever-spans.js';
import { listEvaluators, selectEvaluators } from './registry.js';
import { EvaluationResult } from './result.js';
import { evaluateWithScorers, isTraceList, predictConcurrency, type ConcurrencyOptions, type EvaluationProgress, type GenaiEvaluateOptions } from './genai/index.js';
import type { Trace } from '../tracing/trace-entity.js';
import { staticProbabilities } from './static-probabilities.js';
import { renderArtifacts, writeArtifacts } from './write-artifacts.js';
import { inRun } from './in-run.js';

export interface EvaluateOptions extends GenaiEvaluateOptions {
  modelType?: ModelType;
  /** The column of true labels or values. */
  targets?: string;
  /** The predictions column of a static dataset, or the output to use from a multi-output model. */
  predictions?: string;
  /**
   * Class probabilities of a static dataset: a column whose cells are arrays (in label order) or label → probability
   * records, a list of columns in label order, or a record of label → column.
   */
  probabilities?: string | readonly string[] | Readonly<Record<string, string>>;
  /** The input columns the model gets; by default every column but the targets, predictions and probabilities. */
  featureNames?: readonly string[];
  evaluators?: string | readonly string[];
  /** MLflow's evaluator_config, flat or per evaluator; snake_case keys are accepted. */
  evaluatorConfig?: EvaluatorConfig | Record<string, EvaluatorConfig>;
  extraMetrics?: readonly EvaluationMetric[];
  customArtifacts?: readonly CustomArtifact[];
  /** Log into this run instead of the active one (or a new one). */
  runId?: string;
  /** The experiment (by name, created when missing) of the new run, when there is no active run. */
  experiment?: string;
  datasetName?: string;
  /**
   * Row-function models: how many calls at once (default 8). With scorers, `{ predict, scorers }` limits model calls
   * and judge-model calls apart (defaults 8 and 16).
   */
  concurrency?: number | ConcurrencyOptions;
  /** Batch models: rows per predict() call (default 1024). */
  batchSize?: number;
  /** Called as rows are predicted (and, with scorers, scored): rows done of total, judge calls and cache hits. */
  onProgress?: (progress: EvaluationProgress) => void;
}

/** Rows, columns, an EvalTable, or the path of a CSV, JSON or JSONL file. */
export type EvaluationData = TableInput | EvalTable | string | readonly Trace[];

/**
 * Evaluates a model (or a static dataset when `model` is null) with the default evaluator of its type, any extra
 * metrics and custom artifacts, logs everything to a run, and returns the result. Bad input stops before anything
 * is logged.
 */
export async function evaluate(
  model: Model | null | undefined,
  data: EvaluationData,
  modelTypeOrOptions?: ModelType | EvaluateOptions,
  maybeOptions: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const options: EvaluateOptions =
    typeof modelTypeOrOptions === 'string' ? { ...maybeOptions, modelType: modelTypeOrOptions } : { ...maybeOptions, ...modelTypeOrOptions };
  // Scorers and LLM judges (and stored traces to re-score): the GenAI flow, which runs the evaluators of a modelType too.
  if (options.scorers !== undefined || isTraceList(data)) return evaluateWithScorers(model, data, options, evaluate);
  checkOptions(options);
  const evaluators = selectEvaluatorsFor(options);
  // An unknown run is found out before the model is called.
  if (options.runId !== undefined) await getStore().getRun(options.runId);
  const modelType = options.modelType;
  const rawConfig = options.evaluatorConfig;

  const source = await loadData(data as Exclude<EvaluationData, readonly Trace[]>);
  if (source.table.rowCount === 0) {
    throw EvalflowError.invalid('The evaluation data has no rows; evaluate needs at least one row.');
  }
  const columns = checkColumns(source.table, options, Boolean(model));
  const { sharedConfig, targetsName, featureNames, weightsColumn } = columns;
  let predictionsName = columns.predictionsName;

  // Predictions: from the model, or from the dataset.
  let table = source.table.select([...new Set([...featureNames, ...(targetsName ? [targetsName] : []), ...(weightsColumn ? [weightsColumn] : [])])]);
  let probabilities: EvaluatorInput['probabilities'];
  let otherOutputNames: string[] = [];
  let latencies: Float64Array | undefined;
  let retrievedDocuments: EvaluatorInput['retrievedDocuments'];
  if (model === null || model === undefined) {
    if (predictionsName === undefined) {
      throw EvalflowError.invalid(
        'Either a model or set of predictions must be specified in order to use the default evaluator. Pass a ' +
          `model, or name the predictions column with { predictions: "column" }. Columns: ${source.table.describeColumns()}.`,
      );
    }
    table = table.withColumn(predictionsName, source.table.column(predictionsName, 'predictions column').values);
    probabilities = options.probabilities === undefined ? undefined : staticProbabilities(source.table, options.probabilities);
    latencies = new Float64Array(table.rowCount);
  } else {
    if (typeof model !== 'function' && !(typeof model === 'object' && typeof (model as { predict?: unknown }).predict === 'function')) {
      throw EvalflowError.invalid('The model must be a function (row) => prediction, an object with predict(rows), or null for a static dataset.');
    }
    // A traced retriever model: its RETRIEVER spans give the retrieved documents when its output is not a list.
    const retrieverSpans = modelType === 'retriever' ? captureRetrieverSpans(source.table.rowCount) : undefined;
    const predictions = await predict(model, source.table.rows(featureNames), {
      wrapCall: retrieverSpans?.wrapCall,
      predictionsName,
      concurrency: predictConcurrency(options.concurrency) ?? 8,
      batchSize: options.batchSize ?? 1024,
      onProgress: options.onProgress,
    });
    predictionsName = predictions.name;
    if (table.has(predictionsName)) {
      throw EvalflowError.invalid(
        `The model's predictions are named "${predictionsName}", like a column of the data. Name them differently with { predictions: "…" }.`,
      );
    }
    table = table.withColumn(predictionsName, predictions.values);
    for (const [name, values] of Object.entries(predictions.otherOutputs)) table = table.withColumn(name, values);
    otherOutputNames = Object.keys(predictions.otherOutputs);
    probabilities = predictions.probabilities;
    latencies = predictions.latencies;
    retrievedDocuments = retrieverSpans?.documents();
  }

  // Built-in evaluators, then extra metrics, all in memory.
  const extraMetrics = options.extraMetrics ?? [];
  const baseInput = { modelType: modelType ?? 'regressor', table, featureNames, targetsName, predictionsName, probabilities, otherOutputNames, latencies, retrievedDocuments };
  const merged: EvaluatorOutput = { metrics: {}, metricValues: {}, artifacts: [], rowColumns: {}, warnings: [] };
  for (const evaluator of evaluators) {
    const output = await evaluator.evaluate({ ...baseInput, modelType: modelType as ModelType, config: configFor(evaluator.name, rawConfig, listEvaluators()) });
    mergeOutput(merged, output);
  }
  if (extraMetrics.length > 0) {
    const extra = await computeExtraMetrics(extraMetrics, {
      table,
      featureNames,
      targetsName,
      predictionsName,
      otherOutputNames,
      config: sharedConfig,
      metricValues: merged.metricValues,
      builtinCount: Object.keys(merged.metricValues).length,
      cache: options.cache,
    });
    mergeOutput(merged, extra);
  }

  const prefix = sharedConfig.metricPrefix ?? '';
  const staged: StagedArtifact[] = merged.artifacts.map((artifact) =>
    artifact.kind === 'plot'
      ? { name: artifact.name, kind: 'plot', fileName: artifact.fileName, spec: artifact.spec }
      : { name: artifact.name, kind: artifact.kind, fileName: artifact.fileName, content: artifact.kind === 'json' ? JSON.stringify(artifact.content) : artifact.content },
  );
  const tables: Record<string, Record<string, unknown>[]> = {};
  if (Object.keys(merged.rowColumns).length > 0) {
    const resultsTable = evalResultsTable(table, featureNames, targetsName, predictionsName, otherOutputNames, merged.rowColumns);
    staged.push({ name: 'eval_results_table', kind: 'json', fileName: `${prefix}eval_results_table.json`, content: JSON.stringify(resultsTable, jsonSafe) });
    tables.eval_results_table = resultsTable.data.map((values) => Object.fromEntries(resultsTable.columns.map((c, i) => [c, values[i]])));
  }
  if (options.customArtifacts && options.customArtifacts.length > 0) {
    const scratch = await mkdtemp(join(tmpdir(), 'evalflow-artifacts-'));
    try {
      staged.push(
        ...(await stageCustomArtifacts(
          options.customArtifacts,
          { table: table.rows(), metrics: { ...merged.metrics }, artifactsDir: scratch },
          new Set(staged.map((a) => a.name)),
        )),
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const rendered = await renderArtifacts(staged);

  // Everything is computed: now log it.
  const dataset = describeDataset(source, options.datasetName);
  const runId = await inRun(options, async (id) => {
    const store = getStore();
    const run = await store.getRun(id);
    const artifacts = await writeArtifacts(new LocalArtifactRepository(run.info.artifactUri), rendered);
    const timestamp = Date.now();
    await store.logBatch(id, {
      metrics: Object.entries(merged.metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 })),
      tags: [datasetTag(run.data.tags, dataset, modelType)],
    });
    return { id, artifacts };
  });
  for (const warning of merged.warnings) logger.warn(warning);
  return new EvaluationResult({ metrics: merged.metrics, artifacts: runId.artifacts, tables, runId: runId.id, warnings: merged.warnings });
}

/** Checks the options alone, before the data is read (the GenAI flow runs it too when given a modelType or extraMetrics). */
export function checkOptions(options: EvaluateOptions): void {
  if (options.modelType !== undefined && !(MODEL_TYPES as readonly string[]).includes(options.modelType)) {
    throw EvalflowError.invalid(`Unknown modelType "${String(options.modelType)}". Use one of: ${MODEL_TYPES.join(', ')}.`);
  }
  if ((options.modelType === 'classifier' || options.modelType === 'regressor') && options.targets === undefined) {
    throw EvalflowError.invalid(
      `The targets argument must be specified for ${options.modelType} models: name the column of true values with { targets: "column" }.`,
    );
  }
  if (options.modelType === undefined && (options.extraMetrics === undefined || options.extraMetrics.length === 0)) {
    throw EvalflowError.invalid(
      `The extraMetrics argument must be specified when modelType is not set. Give a modelType (${MODEL_TYPES.join(', ')}) or extraMetrics.`,
    );
  }
  (options.extraMetrics ?? []).forEach((metric, index) => {
    if (!isEvaluationMetric(metric)) {
      throw EvalflowError.invalid(
        `In the 'extraMetrics' parameter, the following metrics have the wrong type:\n- Metric at index ${index} has type ` +
          `'${metric === null ? 'null' : typeof metric}'\nPlease ensure that all extra metrics are built with makeMetric().`,
      );
    }
  });
  for (const [name, value] of [['concurrency', predictConcurrency(options.concurrency)], ['batchSize', options.batchSize]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw EvalflowError.invalid(`${name} must be a whole number of at least 1 (got ${String(value)}).`);
    }
  }
  normaliseEvaluatorConfig(
    options.evaluatorConfig && !Object.keys(options.evaluatorConfig).some((k) => k === 'default' || listEvaluators().includes(k))
      ? options.evaluatorConfig
      : undefined,
  );
}

/** The evaluators to run, or an error when there are none and no extra metrics; before any model call. */
export function selectEvaluatorsFor(options: EvaluateOptions): Evaluator[] {
  const evaluators = selectEvaluators(options.evaluators, options.modelType, (name) => configFor(name, options.evaluatorConfig, listEvaluators()));
  if (evaluators.length === 0 && (options.extraMetrics ?? []).length === 0) {
    throw EvalflowError.invalid(
      `The model could not be evaluated by any of the registered evaluators (${listEvaluators().join(', ')}) for ` +
        `model type ${options.modelType ?? '(none)'}. Set modelType, or pass extraMetrics.`,
    );
  }
  return evaluators;
}

/**
 * The columns the options name (through colMapping), checked against the data before any model call: the targets
 * column exists, and so do the featureNames (all columns but targets, static predictions, weights and probabilities
 * by default).
 */
export function checkColumns(
  table: EvalTable,
  options: EvaluateOptions,
  hasModel: boolean,
): { sharedConfig: EvaluatorConfig; targetsName: string | undefined; predictionsName: string | undefined; weightsColumn: string | undefined; featureNames: string[] } {
  const sharedConfig = configFor('default', options.evaluatorConfig, listEvaluators());
  const colMapping = sharedConfig.colMapping ?? {};
  const mapName = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : typeof colMapping[name] === 'string' ? (colMapping[name] as string) : name;
  const targetsName = mapName(options.targets);
  const predictionsName = mapName(options.predictions);
  if (targetsName !== undefined) table.column(targetsName, 'targets column');
  const weightsColumn = typeof sharedConfig.sampleWeights === 'string' ? sharedConfig.sampleWeights : undefined;
  const featureNames = resolveFeatureNames(table, options.featureNames, [
    targetsName,
    hasModel ? undefined : predictionsName,
    weightsColumn,
    ...probabilityColumnNames(options.probabilities),
  ]);
  return { sharedConfig, targetsName, predictionsName, weightsColumn, featureNames };
}

export interface LoadedData {
  table: EvalTable;
  path: string | undefined;
}

async function loadData(data: Exclude<EvaluationData, readonly Trace[]>): Promise<LoadedData> {
  if (data === null || data === undefined) throw EvalflowError.invalid('The data argument cannot be null or undefined.');
  if (typeof data === 'string') return { table: await loadTableFile(data), path: data };
  return { table: EvalTable.from(data), path: undefined };
}

function resolveFeatureNames(table: EvalTable, requested: readonly string[] | undefined, excluded: readonly (string | undefined)[]): string[] {
  if (requested === undefined) return table.columnNames.filter((name) => !excluded.includes(name));
  if (!Array.isArray(requested) || requested.some((name) => typeof name !== 'string')) {
    throw EvalflowError.invalid('featureNames must be an array of column names.');
  }
  const duplicate = requested.find((name, i) => requested.indexOf(name) !== i);
  if (duplicate !== undefined) throw EvalflowError.invalid(`featureNames lists "${duplicate}" twice; feature names must be unique.`);
  for (const name of requested) table.column(name, 'feature column');
  return [...requested];
}

function probabilityColumnNames(spec: EvaluateOptions['probabilities']): string[] {
  if (spec === undefined) return [];
  if (typeof spec === 'string') return [spec];
  if (Array.isArray(spec)) return [...spec];
  return Object.values(spec as Record<string, string>);
}

function mergeOutput(target: EvaluatorOutput, output: EvaluatorOutput): void {
  Object.assign(target.metrics, output.metrics);
  Object.assign(target.metricValues, output.metricValues);
  Object.assign(target.rowColumns, output.rowColumns);
  target.artifacts.push(...output.artifacts.filter((a) => !target.artifacts.some((b) => b.name === a.name)));
  target.warnings.push(...output.warnings);
}

/** MLflow's column order: features, targets then predictions (named `outputs` without targets), other outputs, scores. */
function evalResultsTable(
  table: EvalTable,
  featureNames: readonly string[],
  targetsName: string | undefined,
  predictionsName: string,
  otherOutputNames: readonly string[],
  rowColumns: Record<string, readonly unknown[]>,
): { columns: string[]; data: unknown[][] } {
  const columns: [string, readonly unknown[]][] = featureNames.map((name) => [name, table.values(name)]);
  if (targetsName !== undefined) {
    columns.push([targetsName, table.values(targetsName)], [predictionsName, table.values(predictionsName)]);
  } else {
    columns.push(['outputs', table.values(predictionsName)]);
  }
  for (const name of otherOutputNames) columns.push([name, table.values(name)]);
  for (const [name, values] of Object.entries(rowColumns)) columns.push([name, values]);
  const data: unknown[][] = [];
  for (let i = 0; i < table.rowCount; i += 1) data.push(columns.map(([, values]) => values[i] ?? null));
  return { columns: columns.map(([name]) => name), data };
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
