import { EvalflowError } from '../src/core/errors.js';
import { describeInput } from './text/inputs.js';

/**
 * MLflow's retriever metrics (spec §2.5) over ranked document ids: `precision_at_k`, `recall_at_k`, `ndcg_at_k`.
 * r = retrieved[:k], G = set(ground truth). Ids are strings or integers; "1" and 1 are different documents.
 */

export type DocId = string | number;

/** A positive whole number, as the metric factories require; anything else means the metric is not computed. */
export function isValidK(k: unknown): k is number {
  return typeof k === 'number' && Number.isInteger(k) && k > 0;
}

function checkK(k: number): void {
  if (!isValidK(k)) throw EvalflowError.invalid(`k must be a positive whole number (got ${describeInput(k)}).`);
}

/** #{d ∈ r : d ∈ G} / |r|: duplicates count each time; 0 when nothing is retrieved, even when G is empty too. */
export function precisionAtK(retrieved: readonly DocId[], groundTruth: readonly DocId[], k: number): number {
  checkK(k);
  const n = Math.min(k, retrieved.length);
  if (n === 0) return 0;
  const relevant = new Set(groundTruth);
  let hits = 0;
  for (let i = 0; i < n; i += 1) if (relevant.has(retrieved[i] as DocId)) hits += 1;
  return hits / n;
}

/** |G ∩ set(r)| / |G|; with an empty G, 1 when nothing is retrieved, else 0. */
export function recallAtK(retrieved: readonly DocId[], groundTruth: readonly DocId[], k: number): number {
  checkK(k);
  const n = Math.min(k, retrieved.length);
  const relevant = new Set(groundTruth);
  if (relevant.size === 0) return n === 0 ? 1 : 0;
  const found = new Set<DocId>();
  for (let i = 0; i < n; i += 1) {
    const doc = retrieved[i] as DocId;
    if (relevant.has(doc)) found.add(doc);
  }
  return found.size / relevant.size;
}

/** scikit-learn's discount, 1 / (ln(i + 2) / ln 2), for 0-based rank i. */
function discount(i: number): number {
  return 1 / (Math.log(i + 2) / Math.LN2);
}

/**
 * scikit-learn's `ndcg_score` with binary relevance, `ignore_ties=True` and k = |r| (so a large k acts as
 * min(k, |r|)): both lists empty → 1; exactly one empty → 0. A repeated document counts as a new document that is
 * relevant when the original is, and it enlarges the ideal set by one.
 */
export function ndcgAtK(retrieved: readonly DocId[], groundTruth: readonly DocId[], k: number): number {
  checkK(k);
  const n = Math.min(k, retrieved.length);
  const relevant = new Set(groundTruth);
  if (n === 0 && relevant.size === 0) return 1;
  if (n === 0 || relevant.size === 0) return 0;
  const seen = new Set<DocId>();
  let repeatsOfRelevant = 0;
  let dcg = 0;
  for (let i = 0; i < n; i += 1) {
    const doc = retrieved[i] as DocId;
    const isRelevant = relevant.has(doc);
    if (seen.has(doc)) {
      if (isRelevant) repeatsOfRelevant += 1;
    } else seen.add(doc);
    if (isRelevant) dcg += discount(i);
  }
  const ideal = Math.min(relevant.size + repeatsOfRelevant, n);
  let idcg = 0;
  for (let i = 0; i < ideal; i += 1) idcg += discount(i);
  return idcg === 0 ? 0 : dcg / idcg;
}

export const RETRIEVAL_METRICS = ['precision_at_k', 'recall_at_k', 'ndcg_at_k'] as const;
export type RetrievalMetric = (typeof RETRIEVAL_METRICS)[number];

const FUNCTIONS: Record<RetrievalMetric, (r: readonly DocId[], g: readonly DocId[], k: number) => number> = {
  precision_at_k: precisionAtK,
  recall_at_k: recallAtK,
  ndcg_at_k: ndcgAtK,
};

/** The logged name of a retrieval metric at k: `precision_at_3`, `ndcg_at_10` … */
export function retrievalMetricName(metric: RetrievalMetric, k: number): string {
  return metric.replace(/_k$/, `_${k}`);
}

function isDocId(value: unknown): value is DocId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

function isIntegerTypedArray(value: unknown): value is ArrayLike<number> {
  return (
    value instanceof Int8Array || value instanceof Int16Array || value instanceof Int32Array || value instanceof Uint8Array ||
    value instanceof Uint8ClampedArray || value instanceof Uint16Array || value instanceof Uint32Array
  );
}

/**
 * The first row that is not a list of string or integer ids (an array or an integer typed array), with why, or
 * undefined when every row is one.
 */
export function firstInvalidIdRow(rows: readonly unknown[]): { row: number; value: unknown } | undefined {
  for (let row = 0; row < rows.length; row += 1) {
    const value = rows[row];
    if (isIntegerTypedArray(value)) continue;
    if (!Array.isArray(value) || !value.every(isDocId)) return { row, value };
  }
  return undefined;
}

/** Rows of ids as arrays; an EvalflowError names the column and the first row that is not a list of ids. */
export function requireIdRows(rows: readonly unknown[], column: string): DocId[][] {
  if (!Array.isArray(rows)) throw EvalflowError.invalid(`The ${column} must be an array with one list of document ids per row.`, { column });
  const invalid = firstInvalidIdRow(rows);
  if (invalid) {
    throw EvalflowError.invalid(
      `The ${column} must hold a list of document ids (strings or integers) per row, but row ${invalid.row} has ${describeIdRow(invalid.value)}.`,
      { column, row: invalid.row },
    );
  }
  return rows.map((value) => (Array.isArray(value) ? (value as DocId[]) : Array.from(value as ArrayLike<number>)));
}

/** A row that is not a list of ids, described for a message. */
export function describeIdRow(value: unknown): string {
  if (Array.isArray(value)) {
    const bad = value.findIndex((item) => !isDocId(item));
    return `a list whose item ${bad} is ${describeInput(value[bad])}`;
  }
  return describeInput(value);
}

/** One retrieval metric per row, for rows of retrieved ids and rows of ground-truth ids. */
export function retrievalScores(
  metric: RetrievalMetric,
  retrieved: readonly unknown[],
  groundTruth: readonly unknown[],
  k: number,
): Float64Array {
  const fn = FUNCTIONS[metric];
  if (!fn) throw EvalflowError.invalid(`Unknown retrieval metric "${String(metric)}"; use one of ${RETRIEVAL_METRICS.join(', ')}.`);
  checkK(k);
  const r = requireIdRows(retrieved, 'retrieved documents');
  const g = requireIdRows(groundTruth, 'ground-truth documents');
  if (r.length !== g.length) {
    throw EvalflowError.invalid(`There are ${r.length} rows of retrieved documents but ${g.length} rows of ground truth; give one per row.`);
  }
  const scores = new Float64Array(r.length);
  for (let i = 0; i < r.length; i += 1) scores[i] = fn(r[i] as DocId[], g[i] as DocId[], k);
  return scores;
}
