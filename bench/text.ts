/**
 * Speed of the text and retriever metrics (`evalflow/metrics`) on 100,000 rows: ROUGE-L (rouge_score's tokenizer and
 * LCS, per-row F-measure), rougeLsum on two-sentence texts, and ndcg@10 over ranked id lists. Run it alone with
 * `npx tsx bench/text.ts [n]`.
 *
 * The data: summaries of 20–40 words drawn from a 2,000-word vocabulary (mixed case, with punctuation); each reference
 * keeps about 70% of its summary's words in order and replaces the rest. Retrieval: 10 retrieved ids per row from
 * 1,000 documents, 1–5 relevant ids per row.
 */
import { pathToFileURL } from 'node:url';
import { retrievalScores } from '../metrics/retrieval.js';
import { rougeScores } from '../metrics/text/rouge.js';
import { fmt, time, uniform, type BenchResult } from './harness.js';

function textData(n: number): { targets: string[]; predictions: string[] } {
  const rand = uniform(20260415);
  const vocabulary = Array.from({ length: 2000 }, (_, i) => {
    const word = (i * 2654435761).toString(36).slice(0, 3 + (i % 6));
    return i % 7 === 0 ? word[0]?.toUpperCase() + word.slice(1) : word;
  });
  const word = (): string => vocabulary[Math.floor(rand() * vocabulary.length)] as string;
  const targets: string[] = [];
  const predictions: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const length = 20 + Math.floor(rand() * 21);
    const summary = Array.from({ length }, word);
    const reference = summary.map((w) => (rand() < 0.7 ? w : word()));
    const half = Math.floor(length / 2);
    predictions.push(`${summary.slice(0, half).join(' ')}.\n${summary.slice(half).join(', ')}!`);
    targets.push(`${reference.slice(0, half).join(' ')}.\n${reference.slice(half).join(' ')}.`);
  }
  return { targets, predictions };
}

function retrievalData(n: number): { retrieved: string[][]; relevant: string[][] } {
  const rand = uniform(20260416);
  const doc = (): string => `doc-${Math.floor(rand() * 1000)}`;
  const retrieved: string[][] = [];
  const relevant: string[][] = [];
  for (let i = 0; i < n; i += 1) {
    retrieved.push(Array.from({ length: 10 }, doc));
    relevant.push(Array.from({ length: 1 + Math.floor(rand() * 5) }, () => (rand() < 0.5 ? (retrieved[i]?.[Math.floor(rand() * 10)] as string) : doc())));
  }
  return { retrieved, relevant };
}

export async function benchText(n = 100_000): Promise<BenchResult[]> {
  const rows = n.toLocaleString('en-US');
  const { targets, predictions } = textData(n);
  const rougeL = await time(() => rougeScores(targets, predictions, 'rougeL'), { repeat: 3 });
  const rougeLsum = await time(() => rougeScores(targets, predictions, 'rougeLsum'), { repeat: 3 });
  const rouge1 = await time(() => rougeScores(targets, predictions, 'rouge1'), { repeat: 3 });
  const { retrieved, relevant } = retrievalData(n);
  const ndcg = await time(() => retrievalScores('ndcg_at_k', retrieved, relevant, 10), { repeat: 5 });
  const rate = (ms: number): number => n / (ms / 1000);
  const words = predictions.reduce((sum, p) => sum + p.split(/\s+/).length, 0) / n;
  return [
    { name: `ROUGE-L per-row F, ${rows} rows (median of 3)`, value: rate(rougeL.medianMs), unit: 'rows/s', note: `${Math.round(rougeL.medianMs)} ms; ~${Math.round(words)} words per text` },
    { name: `rougeLsum per-row F, ${rows} two-sentence rows (median of 3)`, value: rate(rougeLsum.medianMs), unit: 'rows/s', note: `${Math.round(rougeLsum.medianMs)} ms` },
    { name: `rouge1 per-row F, ${rows} rows (median of 3)`, value: rate(rouge1.medianMs), unit: 'rows/s', note: `${Math.round(rouge1.medianMs)} ms` },
    { name: `ndcg@10, ${rows} rows of 10 retrieved ids (median of 5)`, value: rate(ndcg.medianMs), unit: 'rows/s', note: `${fmt(ndcg.medianMs, 1)} ms; validation of the id lists included` },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 100_000);
  for (const result of await benchText(n)) {
    process.stdout.write(`- ${result.name}: ${fmt(result.value, 0)} ${result.unit}${result.note ? ` — ${result.note}` : ''}\n`);
  }
}
