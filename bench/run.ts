// `npm run bench`: runs every benchmark, prints a table and writes bench/out/results.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fmt, type BenchResult } from './harness.js';
import { benchEvaluate } from './evaluate.js';
import { benchJudges } from './judges.js';
import { benchOpenAI } from './openai.js';
import { benchText } from './text.js';
import { benchTracing } from './tracing.js';
import { benchTracking } from './tracking.js';

const suites: [string, () => Promise<BenchResult[]>][] = [
  ['tracking', benchTracking],
  ['evaluate', () => benchEvaluate()],
  ['tracing', benchTracing],
  ['openai', benchOpenAI],
  ['text', benchText],
  ['judges', benchJudges],
];
const only = process.argv[2];

const all: (BenchResult & { suite: string })[] = [];
for (const [suite, run] of suites) {
  if (only && only !== suite) continue;
  process.stdout.write(`\n## ${suite}\n`);
  for (const result of await run()) {
    all.push({ suite, ...result });
    process.stdout.write(
      `- ${result.name}: ${fmt(result.value, result.value < 10 ? 2 : 1)} ${result.unit}` +
        `${result.goal ? ` (goal ${result.goal})` : ''}${result.note ? ` — ${result.note}` : ''}\n`,
    );
  }
}
const outDir = join(import.meta.dirname, 'out');
await mkdir(outDir, { recursive: true });
const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
await writeFile(join(outDir, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, results: all }, null, 2)}\n`);
process.stdout.write(`\nwrote ${join(outDir, 'results.json')}\n`);
