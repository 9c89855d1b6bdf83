import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { Feedback } from '../../assessments/entities.js';
import { EvalflowError } from '../../core/errors.js';
import { logger } from '../../core/logger.js';
import { getStore } from '../../tracking/client.js';
import { flushTraces } from '../../tracing/span-api.js';
import { EvalTable, type TableInput } from '../../data/eval-table.js';
import type { JudgeCallEvent } from '../../../judges/types.js';
import { datasetTag } from '../dataset.js';
import { isBatchModel, isPlainObject, type Model, type RowModel } from '../predict.js';
import { EvaluationResult } from '../result.js';
import { aggregateFeedback } from './aggregate.js';
import { AssessmentWriter } from './assessment-writer.js';
import { StoreJudgeCache } from './cache.js';
import { isTraceList, normaliseData, type GenaiData, type GenaiRow } from './data.js';
import { judgeContext, type JudgeCounters } from './judge-context.js';
import {
  checkScorers,
  resolveConcurrency,
  type ConcurrencyOptions,
  type EvaluationProgress,
  type GenaiEvaluateOptions,
  type JudgeStats,
} from './options.js';
import { resultTable } from './result-table.js';
import { PREDICT_ERROR } from './run-scorers.js';
import { runRow, storedExpectations, type RowEnvironment, type RowResult } from './row-runner.js';
import { inRun } from '../in-run.js';
import { checkColumns, checkOptions, selectEvaluatorsFor, type EvaluateOptions } from '../evaluate.js';
import { staticProbabilities } from '../static-probabilities.js';

/** The evaluate() options this flow reads (EvaluateOptions has them all). */
export interface GenaiRunOptions extends GenaiEvaluateOptions {
  modelType?: string;
  extraMetrics?: readonly unknown[];
  targets?: string;
  predictions?: string;
  runId?: string;
  experiment?: string;
  datasetName?: string;
  concurrency?: number | ConcurrencyOptions;
  onProgress?: (progress: EvaluationProgress) => void;
}

/** evaluate() itself, for the built-in evaluators of a modelType given together with scorers. */
export type ClassicEvaluate<O> = (model: null, data: Record<string, unknown>[], options: O) => Promise<EvaluationResult>;

/**
 * evaluate() with scorers (MLflow's `genai.evaluate`): each row's model call (or given outputs, or stored trace) in a
 * trace of its own, every scorer on every row with separate limits for the model and the judges, the feedback and
 * expectations logged as assessments on the traces, run metrics from the feedback (`correctness/mean` …) and a table
 * with one row per data row. With a modelType (or extraMetrics) too, the built-in evaluators then run on the outputs
 * in the same run. Bad input stops before anything is logged.
 */
export async function evaluateWithScorers<O extends GenaiRunOptions>(
  model: Model | null | undefined,
  data: GenaiData,
  options: O,
  classic: ClassicEvaluate<O>,
): Promise<EvaluationResult> {
  if (options.scorers === undefined) {
    throw EvalflowError.invalid('Stored traces are evaluated by scorers: pass { scorers: [...] } (from evalflow/judges).');
  }
  const scorers = checkScorers(options.scorers);
  const concurrency = resolveConcurrency(options.concurrency);
  if (model !== null && model !== undefined && (typeof model !== 'function' || isBatchModel(model))) {
    throw EvalflowError.invalid('With scorers, the model must be a function called once per row with its inputs: async (inputs) => output.');
  }
  const rowModel = (model ?? undefined) as RowModel | undefined;
  const combined = options.modelType !== undefined || (options.extraMetrics?.length ?? 0) > 0;
  // The options of the built-in evaluators' run on the outputs (classic flow), checked here as that flow checks them.
  const predictions = options.predictions ?? 'outputs';
  const classicOptions: O = {
    ...options,
    scorers: undefined,
    columns: undefined,
    concurrency: undefined,
    onProgress: undefined,
    signal: undefined,
    predictions,
  };
  if (combined) {
    checkOptions(classicOptions as EvaluateOptions);
    selectEvaluatorsFor(classicOptions as EvaluateOptions);
  }
  if (options.cache !== undefined && typeof options.cache !== 'boolean') throw EvalflowError.invalid('cache must be true or false.');
  if (options.runId !== undefined) await getStore().getRun(options.runId);
  const rows = await normaliseData(data, {
    columns: options.columns,
    hasModel: rowModel !== undefined,
    reserved: [options.targets, rowModel ? undefined : options.predictions],
    defaultOutputs: rowModel ? undefined : options.predictions,
  });
  // The rows as the built-in evaluators get them (the outputs column is filled in once the rows have run): their
  // columns (targets, featureNames, probabilities …) are checked before any model or judge call.
  const flatRows = combined ? rows.map(flatRow) : [];
  if (combined) checkClassicColumns(flatRows, classicOptions as EvaluateOptions, predictions);
  options.signal?.throwIfAborted();

  return inRun(options, async (runId) => {
    const store = getStore();
    const run = await store.getRun(runId);
    const warnings: string[] = [];
    const warned = new Set<string>();
    const warnOnce = (kind: string, message: string): void => {
      if (warned.has(kind)) return;
      warned.add(kind);
      warnings.push(message);
      logger.warn(message);
    };

    let done = 0;
    const report = (phase: EvaluationProgress['phase'], counters: JudgeCounters): void => {
      try {
        options.onProgress?.({ done, total: rows.length, phase, judgeCalls: counters.calls, cacheHits: counters.cacheHits });
      } catch {
        // A progress display must not stop the evaluation.
      }
    };
    const cache = options.cache === false ? undefined : new StoreJudgeCache(store);
    const judges = judgeContext({
      concurrency: concurrency.scorers,
      cache,
      signal: options.signal,
      runId,
      experimentId: run.info.experimentId,
      onCall: (_event: JudgeCallEvent, counters) => report('rows', counters),
    });
    const writer = new AssessmentWriter(store);
    const env: RowEnvironment = {
      model: rowModel,
      scorers,
      scoreContext: judges.context,
      predictLimit: pLimit(concurrency.predict),
      runId,
      experimentId: run.info.experimentId,
      store,
      writer,
      warnOnce,
    };
    // Enough rows in flight to keep both the model and the judges at their limits, few enough to bound memory.
    const rowLimit = pLimit(concurrency.predict + concurrency.scorers);
    let settled: PromiseSettledResult<RowResult>[];
    try {
      settled = await Promise.allSettled(
        rows.map((row) =>
          rowLimit(async () => {
            options.signal?.throwIfAborted();
            const result = await runRow(row, env);
            done += 1;
            report('rows', judges.counters);
            return result;
          }),
        ),
      );
    } finally {
      judges.close();
      rowLimit.clearQueue();
      await writer.close();
      await cache?.close();
      // The judge calls' traces are in the store when evaluate() returns.
      await flushTraces();
    }
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const results = settled.map((s) => (s as PromiseFulfilledResult<RowResult>).value);

    const feedback: Feedback[] = results.flatMap((r) => r.feedback);
    const metrics = aggregateFeedback(feedback, scorers);
    const judgeStats: JudgeStats = {
      calls: judges.counters.calls,
      cacheHits: judges.counters.cacheHits,
      // Rows whose model call failed are counted in the warning and the error column, not as scorer errors.
      errors: feedback.filter((f) => f.error !== null && f.error.errorCode !== PREDICT_ERROR).length,
    };
    const predictFailures = results.filter((r) => r.error !== null).length;
    if (predictFailures > 0) warnOnce('predict', `The model failed on ${predictFailures} of ${rows.length} rows; see the error column of tables.eval_results.`);
    if (writer.failedRows > 0) warnOnce('writer', `The assessments of ${writer.failedRows} rows could not be logged.`);

    let classicResult: EvaluationResult | undefined;
    if (combined) {
      const flat = results.map((result, i) => ({ ...flatRows[i], [predictions]: result.outputs }));
      // `cache` goes on to the extra metrics: `false` keeps legacy LLM metrics from caching judge replies too.
      classicResult = await classic(null, flat, { ...classicOptions, runId });
    }

    const timestamp = Date.now();
    await store.logBatch(runId, {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 })),
      tags: combined ? [] : [datasetTag(run.data.tags, { name: options.datasetName ?? 'dataset', hash: datasetHash(rows), rows: rows.length }, options.modelType)],
    });
    report('done', judges.counters);
    return new EvaluationResult({
      metrics: { ...classicResult?.metrics, ...metrics },
      artifacts: classicResult?.artifacts ?? {},
      tables: { ...classicResult?.tables, eval_results: resultTable(results) },
      runId,
      warnings: [...(classicResult?.warnings ?? []), ...warnings],
      judgeStats,
    });
  });
}

export { isTraceList };

/**
 * A row as flat columns for the built-in evaluators: plain rows as given; GenAI rows as their inputs and expectations
 * (a stored trace's root inputs and expectations when the row does not give them), as runRow() reads them.
 */
function flatRow(row: GenaiRow): Record<string, unknown> {
  if (row.flat !== undefined) return { ...row.flat };
  const inputs = row.inputs ?? row.trace?.rootSpan?.inputs;
  const stored = row.trace === undefined ? {} : storedExpectations(row.trace);
  return { ...(isPlainObject(inputs) ? inputs : {}), ...stored, ...row.expectations };
}

/** The classic flow's column checks on the rows it will get, with the outputs column still empty. */
function checkClassicColumns(flatRows: readonly Record<string, unknown>[], options: EvaluateOptions, predictions: string): void {
  const table = EvalTable.from(flatRows.map((row) => ({ ...row, [predictions]: null })) as TableInput);
  const columns = checkColumns(table, options, false);
  if (columns.predictionsName !== undefined) table.column(columns.predictionsName, 'predictions column');
  if (options.probabilities !== undefined) staticProbabilities(table, options.probabilities);
}

/** First 16 hex digits of a SHA-256 over the rows (inputs, outputs, expectations, trace ids). */
function datasetHash(rows: readonly GenaiRow[]): string {
  const hash = createHash('sha256');
  for (const row of rows) {
    let text: string;
    try {
      text = JSON.stringify([row.inputs ?? null, row.outputs ?? null, row.expectations ?? null, row.trace?.info.traceId ?? null]);
    } catch {
      text = String(row.index);
    }
    hash.update(text);
    hash.update('\u0000');
  }
  return hash.digest('hex').slice(0, 16);
}

