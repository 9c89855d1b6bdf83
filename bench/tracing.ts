import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeStores, flushTraces, setTrackingUri, trace, tracing, withSpan } from '../src/index.js';
import { getStore } from '../src/tracking/client.js';
import { getTracer } from '../src/tracing/provider.js';
import type { BenchResult } from './harness.js';

/** Microseconds per call of `fn`, the median of `rounds` rounds of `calls` calls. */
async function perCall(calls: number, rounds: number, fn: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    for (let i = 0; i < calls; i += 1) fn();
    await flushTraces();
    samples.push(((performance.now() - start) * 1000) / calls);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)] as number;
}

/**
 * The cost of a trace()-wrapped call against a bare OTel span through the same processor, and spans per second
 * sustained into the SQLite store (10,000 traces of 10 spans, flushed and counted).
 */
export async function benchTracing(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  tracing.setDestination({ store: false, exporters: [{ name: 'discard', export: async () => undefined }] });
  const tracer = getTracer();
  const bare = (): void => {
    const span = tracer.startSpan('bare');
    span.setAttribute('mlflow.spanInputs', '{"x":1}');
    span.end();
  };
  const add = trace(function add(x: number) {
    return x + 1;
  });
  await perCall(2000, 1, bare);
  await perCall(2000, 1, () => add(1));
  const bareUs = await perCall(20_000, 5, bare);
  const tracedUs = await perCall(20_000, 5, () => add(1));
  results.push(
    { name: 'bare OTel span through EvalflowSpanProcessor (one-span trace, exporter discards)', value: bareUs, unit: 'µs/call' },
    {
      name: 'trace()-wrapped call (one-span trace, inputs and outputs recorded)',
      value: tracedUs,
      unit: 'µs/call',
      goal: '< 2× the bare span',
      note: `${(tracedUs / bareUs).toFixed(2)}× the bare span`,
    },
  );

  const dir = await mkdtemp(join(tmpdir(), 'evalflow-bench-trace-'));
  try {
    setTrackingUri(dir);
    tracing.setDestination({});
    const traces = 10_000;
    const spansPerTrace = 10;
    const leaf = trace(function leaf(i: number) {
      return { i, text: 'lorem ipsum dolor sit amet' };
    });
    const start = performance.now();
    for (let t = 0; t < traces; t += 1) {
      withSpan(() => {
        for (let s = 1; s < spansPerTrace; s += 1) leaf(s);
      }, { name: 'request', inputs: { t } });
    }
    const produced = performance.now();
    await flushTraces();
    const flushed = performance.now();
    const stored = await getStore().searchTraces({ experimentIds: ['0'], maxResults: 1, includeSpans: false });
    const db = (getStore() as unknown as { database: { prepare(sql: string): { get(): unknown } } }).database;
    const counts = db.prepare('SELECT (SELECT COUNT(*) FROM traces) AS traces, (SELECT COUNT(*) FROM spans) AS spans').get() as { traces: number; spans: number };
    const seconds = (flushed - start) / 1000;
    results.push({
      name: `${traces.toLocaleString('en-US')} traces × ${spansPerTrace} spans into SQLite, traced and flushed`,
      value: (traces * spansPerTrace) / seconds,
      unit: 'spans/s',
      goal: '≥ 20,000 spans/s, nothing lost',
      note: `${counts.traces} traces and ${counts.spans} spans stored (${stored.items.length > 0 ? 'searchable' : 'not found'}); tracing took ${Math.round(produced - start)} ms, the store writes ${Math.round(flushed - produced)} ms more`,
    });
  } finally {
    tracing.setDestination({});
    await closeStores();
    setTrackingUri(undefined);
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
