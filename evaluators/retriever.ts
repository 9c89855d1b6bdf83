import { describeInput } from '../metrics/text/inputs.js';
import { scoredMetricValue } from '../metrics/text/builtins.js';
import {
  describeIdRow,
  firstInvalidIdRow,
  isValidK,
  RETRIEVAL_METRICS,
  retrievalMetricName,
  retrievalScores,
  type DocId,
} from '../metrics/retrieval.js';
import { addLatency, addMetric } from './text-shared.js';
import { emptyOutput, type Evaluator, type EvaluatorInput, type EvaluatorOutput } from './types.js';

const DEFAULT_K = 3;

/**
 * MLflow's default metrics for `retriever` (spec §2.5): precision_at_k, recall_at_k and ndcg_at_k with
 * k = `retrieverK` (default 3), each with per-row `…/score` columns, plus the latency column.
 *
 * The retrieved documents of a row are the model's output when it is a list: of ids (strings or integers), or of
 * `{ doc_uri | id, content }` objects. A traced model that returns something else (an answer) is read through the
 * RETRIEVER spans of its trace. The targets column holds the ground-truth ids, in the same forms.
 */
export const retrieverEvaluator: Evaluator = {
  name: 'retriever',
  canEvaluate: (modelType) => modelType === 'retriever',
  evaluate(input: EvaluatorInput): EvaluatorOutput {
    const output = emptyOutput();
    const prefix = input.config.metricPrefix ?? '';
    const k = input.config.retrieverK ?? DEFAULT_K;
    if (!isValidK(k)) {
      output.warnings.push(
        `Cannot calculate the retriever metrics: retrieverK must be a positive whole number, but it is ${describeInput(k)}. ` +
          'No retriever metric is logged.',
      );
    } else if (input.targetsName === undefined) {
      output.warnings.push(
        'Cannot calculate the retriever metrics: they compare the retrieved documents with the ground truth, and no ' +
          'targets column is given (name the column of relevant document ids with { targets: "column" }). Skipping metric logging.',
      );
    } else {
      const retrieved = retrievedRows(input);
      const truth = input.table.values(input.targetsName).map(documentIds);
      const invalid =
        check(retrieved, `the retrieved documents (predictions column "${input.predictionsName}"${input.retrievedDocuments ? ' or RETRIEVER spans' : ''})`) ??
        check(truth, `the targets column "${input.targetsName}"`);
      for (const metric of RETRIEVAL_METRICS) {
        const name = retrievalMetricName(metric, k);
        if (invalid) {
          output.warnings.push(`Cannot calculate metric '${name}' for non-arraylike of string or integer inputs. ${invalid} Skipping metric logging.`);
          continue;
        }
        addMetric(output, { key: name, column: 'score' }, scoredMetricValue(retrievalScores(metric, retrieved, truth, k)), prefix);
      }
    }
    addLatency(output, input, prefix);
    return output;
  },
};

/** Per row: the model's list output, else the documents of its RETRIEVER spans, else the output as it is. */
function retrievedRows(input: EvaluatorInput): unknown[] {
  return input.table.values(input.predictionsName).map((value, row) => {
    if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
      const traced = input.retrievedDocuments?.[row];
      if (traced) return documentIds(traced);
    }
    return documentIds(value);
  });
}

/** The first row that is not a list of ids, described: the row, the item, and what was expected instead. */
function check(rows: readonly unknown[], what: string): string | undefined {
  const invalid = firstInvalidIdRow(rows);
  if (!invalid) return undefined;
  const { row, value } = invalid;
  const index = Array.isArray(value) ? value.findIndex((item) => item instanceof DocumentWithoutId) : -1;
  const missing = index >= 0 ? (value as unknown[])[index] : undefined;
  if (missing instanceof DocumentWithoutId) {
    return (
      `Found a document without an id (item ${index}) in ${what} on row ${row}, where a list of document ids is expected: ` +
      `give each document a "doc_uri" or "id" (a string or an integer)${missing.id === undefined ? '' : `, not ${describeInput(missing.id)}`}, ` +
      'e.g. { doc_uri: "doc-1", content: "…" }.'
    );
  }
  return `Found ${describeIdRow(value)} in ${what} on row ${row}, where a list of document ids is expected.`;
}

/** A retrieved document object that has no usable id: it makes its row invalid (no retrieval metric is computed). */
class DocumentWithoutId {
  constructor(readonly id: unknown) {}
}

/**
 * A list's items as ids: strings and integers stay; a document object gives its `doc_uri` or `id` (also read from its
 * `metadata`, MLflow's Document shape). Other items are left for the row check to report. A document object with
 * neither cannot be matched with the ground truth: it is kept as a DocumentWithoutId, which the row check reports
 * (spec §2.5: an invalid row gives a warning and the metric is skipped).
 */
function documentIds(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const doc = item as Record<string, unknown>;
    const metadata = (doc.metadata !== null && typeof doc.metadata === 'object' ? doc.metadata : {}) as Record<string, unknown>;
    const id = [doc.doc_uri, metadata.doc_uri, doc.id, metadata.id].find((v) => v !== undefined && v !== null);
    if (typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id))) return id as DocId;
    return new DocumentWithoutId(id);
  });
}
