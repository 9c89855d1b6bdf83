import { EvalflowError } from '../../src/core/errors.js';
import { requireSameLength, requireStrings } from './inputs.js';
import { lcsLength, markLcsPositions } from './lcs.js';
import { rougeTokenIds, TokenInterner } from './rouge-tokenizer.js';

/** rouge_score's `Score`. */
export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export const ROUGE_TYPES = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const;
export type RougeType = (typeof ROUGE_TYPES)[number];

/** rouge_score's `fmeasure`: 2PR/(P+R), or 0 when P+R = 0. */
function score(precision: number, recall: number): RougeScore {
  return { precision, recall, fmeasure: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

const ZERO: RougeScore = Object.freeze({ precision: 0, recall: 0, fmeasure: 0 });

// Per-token counts, indexed by token id; grown as needed and zeroed after each use.
let targetCounts = new Int32Array(256);
let predictionCounts = new Int32Array(256);

function countBuffers(size: number): void {
  if (targetCounts.length < size) {
    const length = Math.max(size, targetCounts.length * 2);
    targetCounts = new Int32Array(length);
    predictionCounts = new Int32Array(length);
  }
}

/** Σ min(count in target, count in prediction) over unigrams. */
function unigramOverlap(target: readonly number[], prediction: readonly number[], vocabulary: number): number {
  countBuffers(vocabulary);
  const counts = targetCounts;
  for (const id of target) counts[id] = (counts[id] as number) + 1;
  let overlap = 0;
  for (const id of prediction) {
    const left = counts[id] as number;
    if (left > 0) {
      overlap += 1;
      counts[id] = left - 1;
    }
  }
  for (const id of target) counts[id] = 0;
  return overlap;
}

/** Σ min(count in target, count in prediction) over n-grams, n ≥ 2. */
function ngramOverlap(target: readonly number[], prediction: readonly number[], n: number, vocabulary: number): number {
  // A bigram is one number (a·V + b); longer n-grams are keyed by their ids joined.
  const key =
    n === 2
      ? (tokens: readonly number[], i: number): number | string => (tokens[i] as number) * vocabulary + (tokens[i + 1] as number)
      : (tokens: readonly number[], i: number): number | string => tokens.slice(i, i + n).join(',');
  const counts = new Map<number | string, number>();
  for (let i = 0; i + n <= target.length; i += 1) {
    const k = key(target, i);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let overlap = 0;
  for (let i = 0; i + n <= prediction.length; i += 1) {
    const k = key(prediction, i);
    const left = counts.get(k);
    if (left !== undefined && left > 0) {
      overlap += 1;
      counts.set(k, left - 1);
    }
  }
  return overlap;
}

/** rouge_score's `_score_ngrams` on token ids. */
export function rougeNOfIds(target: readonly number[], prediction: readonly number[], n: number, vocabulary: number): RougeScore {
  const targetCount = Math.max(target.length - n + 1, 0);
  const predictionCount = Math.max(prediction.length - n + 1, 0);
  const overlap =
    targetCount === 0 || predictionCount === 0
      ? 0
      : n === 1
        ? unigramOverlap(target, prediction, vocabulary)
        : ngramOverlap(target, prediction, n, vocabulary);
  return score(overlap / Math.max(predictionCount, 1), overlap / Math.max(targetCount, 1));
}

/** rouge_score's `_score_lcs` on token ids: P = LCS/|prediction|, R = LCS/|target|; 0 if either is empty. */
export function rougeLOfIds(target: readonly number[], prediction: readonly number[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return ZERO;
  const lcs = lcsLength(target, prediction);
  return score(lcs / prediction.length, lcs / target.length);
}

let marks = new Uint8Array(64);

/**
 * rouge_score's `_summary_level_lcs` on the token ids of each sentence: for each target sentence, the union of its
 * LCS positions against every prediction sentence; a union token is a hit while both texts' remaining counts of it
 * are above 0 (each hit uses one of each).
 */
export function rougeLsumOfIds(target: readonly (readonly number[])[], prediction: readonly (readonly number[])[], vocabulary: number): RougeScore {
  if (target.length === 0 || prediction.length === 0) return ZERO;
  let m = 0;
  let n = 0;
  for (const sentence of target) m += sentence.length;
  for (const sentence of prediction) n += sentence.length;
  if (m === 0 || n === 0) return ZERO;
  countBuffers(vocabulary);
  const refCounts = targetCounts;
  const canCounts = predictionCounts;
  for (const sentence of target) for (const id of sentence) refCounts[id] = (refCounts[id] as number) + 1;
  for (const sentence of prediction) for (const id of sentence) canCounts[id] = (canCounts[id] as number) + 1;
  let hits = 0;
  for (const ref of target) {
    if (marks.length < ref.length) marks = new Uint8Array(Math.max(ref.length, marks.length * 2));
    marks.fill(0, 0, ref.length);
    for (const can of prediction) markLcsPositions(ref, can, marks);
    for (let i = 0; i < ref.length; i += 1) {
      if (marks[i] === 0) continue;
      const id = ref[i] as number;
      if ((canCounts[id] as number) > 0 && (refCounts[id] as number) > 0) {
        hits += 1;
        canCounts[id] = (canCounts[id] as number) - 1;
        refCounts[id] = (refCounts[id] as number) - 1;
      }
    }
  }
  for (const sentence of target) for (const id of sentence) refCounts[id] = 0;
  for (const sentence of prediction) for (const id of sentence) canCounts[id] = 0;
  return score(hits / n, hits / m);
}

/** rougeLsum's sentences: the text split on "\n", empty lines dropped (a line of spaces stays, with no tokens). */
function sentences(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

// One vocabulary for every call (ids only need to agree within a pair); dropped when it gets large.
const interner = new TokenInterner();
const MAX_VOCABULARY = 1 << 20;

/** One ROUGE score of a prediction against its target (reference), as `RougeScorer([type]).score(target, prediction)`. */
export function rouge(target: string, prediction: string, type: RougeType): RougeScore {
  if (typeof target !== 'string' || typeof prediction !== 'string') {
    throw EvalflowError.invalid('rouge needs two strings: the target (reference) and the prediction.');
  }
  if (interner.size > MAX_VOCABULARY) interner.reset();
  if (type === 'rougeLsum') {
    const t = sentences(target).map((s) => rougeTokenIds(s, interner));
    const p = sentences(prediction).map((s) => rougeTokenIds(s, interner));
    return rougeLsumOfIds(t, p, interner.size);
  }
  const t = rougeTokenIds(target, interner);
  const p = rougeTokenIds(prediction, interner);
  if (type === 'rougeL') return rougeLOfIds(t, p);
  if (type === 'rouge1') return rougeNOfIds(t, p, 1, interner.size);
  if (type === 'rouge2') return rougeNOfIds(t, p, 2, interner.size);
  throw EvalflowError.invalid(`Unknown ROUGE type "${String(type)}"; use one of ${ROUGE_TYPES.join(', ')}.`);
}

/**
 * The per-row F-measure of one ROUGE type (what HF `evaluate`'s rouge gives with `use_aggregator=False`), for rows
 * of targets (references) and predictions. Every value must be a string.
 */
export function rougeScores(targets: readonly unknown[], predictions: readonly unknown[], type: RougeType): Float64Array {
  if (!(ROUGE_TYPES as readonly string[]).includes(type)) {
    throw EvalflowError.invalid(`Unknown ROUGE type "${String(type)}"; use one of ${ROUGE_TYPES.join(', ')}.`);
  }
  const t = requireStrings(targets, 'targets');
  const p = requireStrings(predictions, 'predictions');
  requireSameLength(t, 'targets', p, 'predictions');
  const scores = new Float64Array(t.length);
  for (let i = 0; i < t.length; i += 1) scores[i] = rouge(t[i] as string, p[i] as string, type).fmeasure;
  return scores;
}
