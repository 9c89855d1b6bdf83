import { EvalflowError } from '../../core/errors.js';
import { EvalTable, type TableInput } from '../../data/eval-table.js';
import { loadTableFile } from '../../data/load-file.js';
import type { TraceRecord } from '../../store/trace-entities.js';
import { getTrace } from '../../tracing/read.js';
import { Trace } from '../../tracing/trace-entity.js';
import { isPlainObject } from '../predict.js';
import type { GenaiColumns } from './options.js';

/** One row of a GenAI evaluation, whatever shape it came in. */
export interface GenaiRow {
  index: number;
  /** The model's inputs (a record for a model call; a stored trace's root inputs may be anything). */
  inputs: unknown;
  /** The given outputs; undefined when the row has none (the model makes them, or the trace holds them). */
  outputs: unknown;
  expectations: Record<string, unknown> | undefined;
  tags: Record<string, string>;
  /** A stored trace to re-score instead of calling the model. */
  trace: Trace | undefined;
  /** A row of plain columns as it was given, for the built-in evaluators when a modelType is given too. */
  flat: Record<string, unknown> | undefined;
}

export interface NormaliseOptions {
  columns: GenaiColumns | undefined;
  hasModel: boolean;
  /** Columns the classic flow uses that are never model inputs (targets, static predictions). */
  reserved: readonly (string | undefined)[];
  /** The outputs column of plain rows when `columns.outputs` is not given (the `predictions` option). */
  defaultOutputs: string | undefined;
}

export type GenaiData = TableInput | EvalTable | string | readonly Trace[];

const GENAI_KEYS = ['inputs', 'outputs', 'expectations', 'tags', 'trace', 'request_id'];

/** True for a list of traces (`searchTraces(...)` output). */
export function isTraceList(data: unknown): data is readonly Trace[] {
  return Array.isArray(data) && data.length > 0 && data.every((item) => item instanceof Trace);
}

/**
 * The data as GenAI rows: stored traces, rows in MLflow's GenAI shape (`inputs`, `outputs`, `expectations`, `tags`,
 * `trace`), or plain columns mapped by `columns`. Bad data is an INVALID_PARAMETER_VALUE naming the row.
 */
export async function normaliseData(data: GenaiData, options: NormaliseOptions): Promise<GenaiRow[]> {
  if (data === null || data === undefined) throw EvalflowError.invalid('The data argument cannot be null or undefined.');
  let records: Record<string, unknown>[];
  if (isTraceList(data)) records = data.map((trace) => ({ trace }));
  else if (typeof data === 'string') records = (await loadTableFile(data)).rows();
  else if (data instanceof EvalTable) records = data.rows();
  else if (Array.isArray(data)) {
    data.forEach((row: unknown, index) => {
      if (row instanceof Trace) throw EvalflowError.invalid(`Row ${index} is a trace but others are not: pass a list of traces, or rows with a "trace" key.`);
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw EvalflowError.invalid(`Row ${index} of the data is ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}; each row must be an object.`, { row: index });
      }
    });
    records = data as Record<string, unknown>[];
  } else records = EvalTable.from(data as TableInput).rows();
  if (records.length === 0) throw EvalflowError.invalid('The evaluation data has no rows; evaluate needs at least one row.');

  // MLflow's shape: rows with `inputs` or `trace` (or only GenAI keys); anything else is plain columns.
  const genaiShape =
    options.columns === undefined &&
    (records.some((r) => 'inputs' in r || 'trace' in r) || records.every((r) => Object.keys(r).every((key) => GENAI_KEYS.includes(key))));
  const rows: GenaiRow[] = [];
  for (const [index, record] of records.entries()) {
    const row = genaiShape ? await fromGenaiRecord(record, index) : fromColumns(record, index, options);
    if (row.trace !== undefined && options.hasModel) {
      throw EvalflowError.invalid(`Row ${index} has a trace, which is re-scored without calling the model: pass null as the model.`, { row: index });
    }
    if (row.trace === undefined && row.inputs === undefined) {
      throw EvalflowError.invalid(`Row ${index} has neither inputs nor a trace; each row needs an "inputs" or a "trace".`, { row: index });
    }
    if (row.outputs !== undefined && options.hasModel) {
      throw EvalflowError.invalid(
        `Row ${index} has outputs and a model was given: the model makes the outputs. Pass null as the model to score the given outputs.`,
        { row: index },
      );
    }
    if (row.trace === undefined && options.hasModel && !isPlainObject(row.inputs)) {
      throw EvalflowError.invalid(`The inputs of row ${index} must be an object (the model is called with it), e.g. { question: "…" }.`, { row: index });
    }
    rows.push(row);
  }
  return rows;
}

async function fromGenaiRecord(record: Record<string, unknown>, index: number): Promise<GenaiRow> {
  const unknown = Object.keys(record).filter((key) => !GENAI_KEYS.includes(key));
  if (unknown.length > 0) {
    throw EvalflowError.invalid(
      `Row ${index} has the keys ${unknown.map((k) => `"${k}"`).join(', ')}; GenAI rows have ${GENAI_KEYS.join(', ')}. ` +
        'Map plain columns with { columns: { inputs: "question", outputs: "answer" } }.',
      { row: index },
    );
  }
  const trace = record.trace === undefined || record.trace === null ? undefined : await toTrace(record.trace, index);
  let inputs = parseJsonText(record.inputs, 'inputs', index);
  if (inputs !== undefined && inputs !== null && trace === undefined && !isPlainObject(inputs)) {
    throw EvalflowError.invalid(`The inputs of row ${index} must be an object (or its JSON text), e.g. { question: "…" }.`, { row: index });
  }
  if (inputs === null) inputs = undefined;
  const expectations = parseJsonText(record.expectations, 'expectations', index);
  if (expectations !== undefined && expectations !== null && !isPlainObject(expectations)) {
    throw EvalflowError.invalid(`The expectations of row ${index} must be an object of name → value, e.g. { expected_response: "…" }.`, { row: index });
  }
  const outputs = record.outputs === null ? undefined : record.outputs;
  const tags = checkTags(parseJsonText(record.tags, 'tags', index), index);
  return { index, inputs, outputs, expectations: (expectations ?? undefined) as Record<string, unknown> | undefined, tags, trace, flat: undefined };
}

function fromColumns(record: Record<string, unknown>, index: number, options: NormaliseOptions): GenaiRow {
  const given = options.columns ?? {};
  const columns: GenaiColumns = given.outputs === undefined && options.defaultOutputs !== undefined ? { ...given, outputs: options.defaultOutputs } : given;
  const pick = (spec: readonly string[] | Readonly<Record<string, string>> | string | undefined, what: string): Record<string, unknown> | undefined => {
    if (spec === undefined) return undefined;
    const entries: [string, string][] =
      typeof spec === 'string' ? [[spec, spec]] : Array.isArray(spec) ? spec.map((c: string) => [c, c]) : Object.entries(spec as Record<string, string>);
    const picked: Record<string, unknown> = {};
    for (const [name, column] of entries) {
      if (typeof column !== 'string') throw EvalflowError.invalid(`columns.${what}: column names must be strings.`);
      if (!(column in record)) {
        throw EvalflowError.invalid(`columns.${what} names the column "${column}", which row ${index} does not have. Columns: ${Object.keys(record).join(', ')}.`, {
          row: index,
          column,
        });
      }
      picked[name] = record[column];
    }
    return picked;
  };
  const used = new Set<string>();
  const mark = (spec: GenaiColumns[keyof GenaiColumns]): void => {
    if (spec === undefined) return;
    if (typeof spec === 'string') used.add(spec);
    else if (Array.isArray(spec)) for (const c of spec as string[]) used.add(c);
    else for (const c of Object.values(spec as Record<string, string>)) used.add(c);
  };
  mark(columns.outputs);
  mark(columns.expectations);
  mark(columns.tags);
  for (const name of options.reserved) if (name !== undefined) used.add(name);
  const inputs = columns.inputs === undefined ? Object.fromEntries(Object.entries(record).filter(([k]) => !used.has(k))) : pick(columns.inputs, 'inputs');
  const outputs = columns.outputs === undefined ? undefined : pick(columns.outputs, 'outputs')?.[columns.outputs];
  return {
    index,
    inputs,
    outputs: outputs === null ? undefined : outputs,
    expectations: pick(columns.expectations, 'expectations'),
    tags: checkTags(pick(columns.tags, 'tags'), index),
    trace: undefined,
    flat: { ...record },
  };
}

function parseJsonText(value: unknown, what: string, index: number): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch (error) {
    throw EvalflowError.invalid(`The ${what} of row ${index} look like JSON but do not parse: ${(error as Error).message}`, { row: index });
  }
}

function checkTags(tags: unknown, index: number): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (!isPlainObject(tags)) throw EvalflowError.invalid(`The tags of row ${index} must be an object of tag → value.`, { row: index });
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** A Trace, a TraceRecord, or MLflow's trace JSON (or its text) of a trace in the store. */
async function toTrace(value: unknown, index: number): Promise<Trace> {
  if (value instanceof Trace) return value;
  let candidate = value;
  if (typeof candidate === 'string') {
    try {
      candidate = JSON.parse(candidate) as unknown;
    } catch (error) {
      throw EvalflowError.invalid(`The trace of row ${index} is not JSON: ${(error as Error).message}`, { row: index });
    }
  }
  const info = (candidate as { info?: Record<string, unknown> } | null)?.info;
  if (info && typeof info.traceId === 'string' && Array.isArray((candidate as TraceRecord).data?.spans)) return new Trace(candidate as TraceRecord);
  const id = info?.trace_id ?? info?.traceId;
  if (typeof id === 'string') {
    const stored = await getTrace(id);
    if (stored) return stored;
    throw EvalflowError.notFound(`The trace ${id} of row ${index} is not in the store; re-score traces from getTrace() or searchTraces().`, { row: index });
  }
  throw EvalflowError.invalid(`The trace of row ${index} is not a trace: pass Trace objects from getTrace() or searchTraces().`, { row: index });
}
