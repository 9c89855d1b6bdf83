import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeStores, evaluate, setTrackingUri, tracing } from '../src/index.js';
import { correctness, relevanceToQuery, safety } from '../judges/index.js';
import { runIfMain, type BenchResult } from './harness.js';
import { startServerProcess } from './server-process.js';

const ROWS = 1000;
const JUDGES = 3;
const LATENCY_MS = 100;
const CONCURRENCY = 32;

/**
 * 1,000 rows × 3 built-in judges (correctness, relevance to query, safety) against a local OpenAI-compatible server
 * (another process) that answers each call after 100 ms, at concurrency.scorers = 32: wall time against the ideal
 * rows × judges × latency / concurrency, and this process's CPU per judge call. Everything evaluate() does is in the
 * timing: a trace per row, a trace per judge call, the judge cache, assessments and metrics in SQLite.
 */
export async function benchJudges(): Promise<BenchResult[]> {
  const server = await startServerProcess('bench/judge-server.ts', ['--latency-ms', String(LATENCY_MS)]);
  const { baseURL } = server;
  const dir = await mkdtemp(join(tmpdir(), 'evalflow-bench-judges-'));
  try {
    setTrackingUri(dir);
    tracing.setDestination({});
    const connection = { model: 'openai:/judge', baseURL, apiKey: 'sk-bench' };
    const scorers = [correctness(connection), relevanceToQuery(connection), safety(connection)];
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      inputs: { question: `What is ${i} + ${i}?` },
      outputs: `${i} + ${i} is ${2 * i}.`,
      expectations: { expected_response: String(2 * i) },
    }));
    // Warm-up (connections, JIT), on other rows so that nothing is cached for the measured run.
    await evaluate(null, rows.slice(0, 40).map((r) => ({ ...r, outputs: `warm-up ${r.outputs}` })), { scorers, concurrency: { scorers: CONCURRENCY } });

    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await evaluate(null, rows, { scorers, concurrency: { scorers: CONCURRENCY } });
    const wallS = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const calls = ROWS * JUDGES;
    if (result.judgeStats?.calls !== calls || result.judgeStats.errors !== 0 || result.metrics['correctness/mean'] !== 1) {
      throw new Error(`the judges benchmark did not judge every row: ${JSON.stringify(result.judgeStats)} ${JSON.stringify(result.metrics)}`);
    }
    const cpuUsPerCall = (used.user + used.system) / calls;

    // The same evaluation again: every reply from the store's judge cache.
    const cachedStart = performance.now();
    const cached = await evaluate(null, rows, { scorers, concurrency: { scorers: CONCURRENCY } });
    const cachedS = (performance.now() - cachedStart) / 1000;
    if (cached.judgeStats?.cacheHits !== calls) throw new Error(`the cached run missed the cache: ${JSON.stringify(cached.judgeStats)}`);

    const ideal = (ROWS * JUDGES * LATENCY_MS) / 1000 / CONCURRENCY;
    return [
      {
        name: `evaluate(): ${ROWS} rows × ${JUDGES} built-in judges, ${LATENCY_MS} ms per judge call, concurrency.scorers = ${CONCURRENCY}: wall time`,
        value: wallS,
        unit: 's',
        goal: `≤ ${(ideal * 1.25).toFixed(2)} s (1.25× the ideal ${ideal.toFixed(3)} s)`,
        note: `${(wallS / ideal).toFixed(2)}× the ideal (promptfoo: 2.6×); a trace per row and per judge call, assessments, judge cache and metrics in SQLite, all inside the timing`,
      },
      {
        name: 'evaluate() with judges: client CPU per judge call',
        value: cpuUsPerCall,
        unit: 'µs/call',
        goal: '≤ 4,500 µs/call (promptfoo)',
        note: `user + system CPU of the evaluating process over the whole run, divided by the ${calls} judge calls`,
      },
      {
        name: `evaluate() again on the same ${ROWS} rows: every judge reply from the store cache`,
        value: cachedS,
        unit: 's',
        note: `${calls} cache hits, no HTTP calls; rows are traced and assessed as before`,
      },
    ];
  } finally {
    tracing.setDestination({});
    await closeStores();
    setTrackingUri(undefined);
    await rm(dir, { recursive: true, force: true });
    server.stop();
  }
}

// `npx tsx bench/judges.ts` runs this suite alone.
await runIfMain(import.meta.url, benchJudges, 2);
