import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Times `fn` `repeat` times after `warmup` runs; reports the median and the best, in milliseconds. */
export async function time(fn: () => unknown, { repeat = 5, warmup = 1 } = {}): Promise<{ medianMs: number; bestMs: number }> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i += 1) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)] ?? Number.NaN, bestMs: samples[0] ?? Number.NaN };
}

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  goal?: string;
  note?: string;
}

export function fmt(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Deterministic uniform numbers in [0, 1) (mulberry32), so every run benchmarks the same data. */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs a suite and prints its results when its file is the script node was started with (`npx tsx bench/x.ts`). */
export async function runIfMain(moduleUrl: string, suite: () => Promise<BenchResult[]>, digits = 1): Promise<void> {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  for (const result of await suite()) {
    process.stdout.write(`${result.name}: ${result.value.toFixed(digits)} ${result.unit}${result.note ? ` — ${result.note}` : ''}\n`);
  }
}
