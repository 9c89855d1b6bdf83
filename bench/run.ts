// `npm run bench`: runs every benchmark suite, each in a process of its own, prints a table and writes
// bench/out/results.json. `npx tsx bench/run.ts <suite>` runs one suite in this process.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
/** Printed before each result by a suite run as a child (`--child`), for the parent to collect. */
const RESULT_PREFIX = 'bench-result ';

const [only, mode] = process.argv.slice(2);
if (only !== undefined && !suites.some(([name]) => name === only)) {
  process.stderr.write(`Unknown suite "${only}": expected one of ${suites.map(([name]) => name).join(', ')}.\n`);
  process.exit(2);
}

function print(result: BenchResult): void {
  process.stdout.write(
    `- ${result.name}: ${fmt(result.value, result.value < 10 ? 2 : 1)} ${result.unit}` +
      `${result.goal ? ` (goal ${result.goal})` : ''}${result.note ? ` — ${result.note}` : ''}\n`,
  );
}

/** A result as one JSON line; NaN (a skipped measurement) and ±Infinity kept, which JSON would turn into null. */
function toJson(result: BenchResult): string {
  return JSON.stringify({ ...result, value: Number.isFinite(result.value) ? result.value : String(result.value) });
}

function fromJson(line: string): BenchResult {
  const parsed = JSON.parse(line) as Omit<BenchResult, 'value'> & { value: number | string };
  return { ...parsed, value: Number(parsed.value) };
}

/**
 * One suite in a fresh process: what a suite leaves behind (a million-row heap, a warm store, compiled code) must not
 * weigh on the next one's timings.
 */
function runChild(suite: string): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), suite, '--child'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`the ${suite} benchmark exited with code ${String(code)}`));
        return;
      }
      const lines = output.split('\n').filter((line) => line.startsWith(RESULT_PREFIX));
      resolve(lines.map((line) => fromJson(line.slice(RESULT_PREFIX.length))));
    });
  });
}

if (mode === '--child') {
  const run = suites.find(([name]) => name === only)?.[1];
  for (const result of run ? await run() : []) process.stdout.write(`${RESULT_PREFIX}${toJson(result)}\n`);
} else {
  const all: (BenchResult & { suite: string })[] = [];
  for (const [suite, run] of suites) {
    if (only && only !== suite) continue;
    process.stdout.write(`\n## ${suite}\n`);
    for (const result of only ? await run() : await runChild(suite)) {
      all.push({ suite, ...result });
      print(result);
    }
  }
  const outDir = join(import.meta.dirname, 'out');
  await mkdir(outDir, { recursive: true });
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, results: all }, null, 2)}\n`);
  process.stdout.write(`\nwrote ${join(outDir, 'results.json')}\n`);
}
