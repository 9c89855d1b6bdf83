import pLimit from 'p-limit';
import { performance } from 'node:perf_hooks';
import { EvalflowError } from '../core/errors.js';
import type { CellValue } from '../data/eval-table.js';
import type { ProbabilityRow } from '../../evaluators/types.js';

/** A model called once per row, sync or async. */
export type RowModel = (row: Record<string, CellValue>) => unknown;

/** A model called with a batch of rows, returning one output per row (the shape of an ONNX or HTTP batch model). */
export interface BatchModel {
  predict(rows: Record<string, CellValue>[]): unknown;
}

export type Model = RowModel | BatchModel;

export interface PredictOptions {
  /** The name the predictions go by; picks the column of a multi-output model. */
  predictionsName: string | undefined;
  /** How many row calls may run at once (row models). */
  concurrency: number;
  /** Rows per predict() call (batch models). */
  batchSize: number;
  /** Called as rows are predicted. */
  onProgress?: ((progress: { done: number; total: number }) => void) | undefined;
  /** Row models: runs each row's call (`call()`), e.g. inside a tracing scope; the row index says which row it is. */
  wrapCall?: ((index: number, call: () => unknown) => unknown) | undefined;
}

export interface Predictions {
  name: string;
  values: unknown[];
  probabilities: (ProbabilityRow | null)[] | undefined;
  otherOutputs: Record<string, unknown[]>;
  /** Seconds per row: the call time for row models, the batch time shared out for batch models. */
  latencies: Float64Array;
}

export const DEFAULT_PREDICTIONS_NAME = 'outputs';

export function isBatchModel(model: unknown): model is BatchModel {
  return model !== null && typeof model === 'object' && typeof (model as BatchModel).predict === 'function';
}

/** Calls the model on every row and puts its outputs in one shape, whatever the model returned. */
export async function predict(model: Model, rows: Record<string, CellValue>[], options: PredictOptions): Promise<Predictions> {
  const latencies = new Float64Array(rows.length);
  let done = 0;
  const report = (count: number): void => {
    done += count;
    try {
      options.onProgress?.({ done, total: rows.length });
    } catch {
      // A progress display must not stop the evaluation.
    }
  };
  const outputs = isBatchModel(model)
    ? await predictInBatches(model, rows, options.batchSize, latencies, report)
    : await predictRowByRow(model, rows, options.concurrency, latencies, report, options.wrapCall);
  return { ...normaliseOutputs(outputs, options.predictionsName), latencies };
}

async function predictRowByRow(
  model: RowModel,
  rows: Record<string, CellValue>[],
  concurrency: number,
  latencies: Float64Array,
  report: (count: number) => void,
  wrapCall?: (index: number, call: () => unknown) => unknown,
): Promise<unknown[]> {
  const limit = pLimit(concurrency);
  try {
    return await Promise.all(
      rows.map((row, index) =>
        limit(async () => {
          const start = performance.now();
          try {
            const output = await (wrapCall ? wrapCall(index, () => model({ ...row })) : model({ ...row }));
            latencies[index] = (performance.now() - start) / 1000;
            report(1);
            return output;
          } catch (error) {
            throw modelError(error, `row ${index}`, index);
          }
        }),
      ),
    );
  } finally {
    limit.clearQueue();
  }
}

async function predictInBatches(
  model: BatchModel,
  rows: Record<string, CellValue>[],
  batchSize: number,
  latencies: Float64Array,
  report: (count: number) => void,
): Promise<unknown[]> {
  const outputs: unknown[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const began = performance.now();
    let result: unknown;
    try {
      result = await model.predict(batch);
    } catch (error) {
      throw modelError(error, `the batch of rows ${start}–${start + batch.length - 1}`, start);
    }
    const values = batchValues(result, batch.length, start);
    const perRow = (performance.now() - began) / 1000 / batch.length;
    latencies.fill(perRow, start, start + batch.length);
    outputs.push(...values);
    report(batch.length);
  }
  return outputs;
}

/** A batch result as one value per row: an array, a typed array, or columns ({ predictions: [...], ... }). */
function batchValues(result: unknown, expected: number, start: number): unknown[] {
  let values: unknown[] | undefined;
  if (Array.isArray(result)) values = result;
  else if (ArrayBuffer.isView(result) && !(result instanceof DataView)) values = Array.from(result as unknown as ArrayLike<number>);
  else if (isPlainObject(result) && Object.values(result).every((v) => Array.isArray(v) || ArrayBuffer.isView(v))) {
    const columns = Object.entries(result).map(([name, v]) => [name, Array.from(v as ArrayLike<unknown>)] as const);
    values = Array.from({ length: columns[0]?.[1].length ?? 0 }, (_, i) =>
      Object.fromEntries(columns.map(([name, column]) => [name, column[i]])),
    );
  }
  if (values === undefined) {
    throw EvalflowError.invalid(
      `The model's predict() returned ${describeType(result)} for rows ${start}–${start + expected - 1}; it must ` +
        'return an array with one output per row (or an object of such arrays).',
    );
  }
  if (values.length !== expected) {
    throw EvalflowError.invalid(
      `The model's predict() returned ${values.length} outputs for a batch of ${expected} rows (starting at row ` +
        `${start}); it must return one output per row.`,
      { row: start },
    );
  }
  return values;
}

/**
 * Outputs per row become one predictions column: plain values are used as they are; `{ label, probabilities }` gives
 * the label and the class probabilities; any other object is a multi-output row whose predictions column is the one
 * named by `predictions`, or its only key (MLflow's rules).
 */
function normaliseOutputs(outputs: unknown[], predictionsName: string | undefined): Omit<Predictions, 'latencies'> {
  const isClassifierOutput = (o: unknown): o is { label?: unknown; probabilities?: ProbabilityRow } =>
    isPlainObject(o) && Object.keys(o).length > 0 && Object.keys(o).every((k) => k === 'label' || k === 'probabilities');
  const multiOutputKeys = new Set<string>();
  for (const output of outputs) {
    if (isPlainObject(output) && !isClassifierOutput(output)) for (const key of Object.keys(output)) multiOutputKeys.add(key);
  }

  if (multiOutputKeys.size === 0) {
    let probabilities: (ProbabilityRow | null)[] | undefined;
    const values = outputs.map((output, index) => {
      if (!isClassifierOutput(output)) return output;
      probabilities ??= new Array<ProbabilityRow | null>(outputs.length).fill(null);
      probabilities[index] = output.probabilities ?? null;
      return output.label ?? labelFromProbabilities(output.probabilities, index);
    });
    return { name: predictionsName ?? DEFAULT_PREDICTIONS_NAME, values, probabilities, otherOutputs: {} };
  }

  const keys = [...multiOutputKeys];
  let name: string;
  if (predictionsName !== undefined && multiOutputKeys.has(predictionsName)) name = predictionsName;
  else if (keys.length === 1) name = keys[0] as string;
  else {
    throw EvalflowError.invalid(
      'Output column name is not specified for the multi-output model. Please set the correct output column name ' +
        `using the \`predictions\` parameter. The model returned the keys ${keys.map((k) => JSON.stringify(k)).join(', ')}.`,
    );
  }
  const column = (key: string): unknown[] =>
    outputs.map((output, index) => {
      if (!isPlainObject(output)) {
        throw EvalflowError.invalid(
          `The model returned an object for some rows and ${describeType(output)} for row ${index}; return one shape for every row.`,
          { row: index },
        );
      }
      return output[key] ?? null;
    });
  const otherOutputs = Object.fromEntries(keys.filter((k) => k !== name).map((k) => [k, column(k)]));
  return { name, values: column(name), probabilities: undefined, otherOutputs };
}

/** A `{ probabilities }` output without a label is labelled with its most likely class (records only: arrays have no names). */
function labelFromProbabilities(probabilities: ProbabilityRow | undefined, row: number): unknown {
  if (probabilities && isPlainObject(probabilities)) {
    let best: string | undefined;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const [label, value] of Object.entries(probabilities)) {
      if (typeof value === 'number' && value > bestValue) {
        best = label;
        bestValue = value;
      }
    }
    if (best !== undefined) return best;
  }
  throw EvalflowError.invalid(
    `The model returned probabilities without a label for row ${row}. Return { label, probabilities }, or ` +
      'probabilities as a record of label → probability.',
    { row },
  );
}

function modelError(error: unknown, where: string, row: number): EvalflowError {
  const message = error instanceof Error ? error.message : String(error);
  return new EvalflowError('INVALID_PARAMETER_VALUE', `The model failed on ${where}: ${message}`, {
    cause: error,
    details: { row },
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
