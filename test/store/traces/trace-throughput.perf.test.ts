// The acceptance numbers for the SQLite trace store: 10,000 traces of 10 spans, one trace per transaction
// (logTrace, as the exporter writes) and 100 per transaction (logTraces), at least 20,000 spans/s each; then
// searches over those 10,000 traces, including filters that match nothing and so visit every trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchTracesInput } from '../../../src/store/tracking-store.js';
import type { TraceRecord } from '../../../src/store/trace-entities.js';
import { generatedTrace, tempStore, type TempStore } from './fixtures.js';

const TRACES = 10_000;
const SPANS_PER_TRACE = 10;
const REQUIRED_SPANS_PER_SECOND = 20_000;

async function spansPerSecond(write: (store: TempStore['store'], traces: TraceRecord[]) => Promise<void>): Promise<number> {
  const temp = await tempStore();
  try {
    const experimentId = await temp.store.createExperiment('throughput');
    const traces = Array.from({ length: TRACES }, (_, i) => generatedTrace(i, experimentId, SPANS_PER_TRACE));
    const start = performance.now();
    await write(temp.store, traces);
    const seconds = (performance.now() - start) / 1000;
    const stored = await temp.store.searchTraces({ experimentIds: [experimentId], maxResults: 1, filter: 'trace.timestamp_ms >= 0' });
    expect(stored.items).toHaveLength(1);
    expect(temp.store.database.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(TRACES * SPANS_PER_TRACE);
    return (TRACES * SPANS_PER_TRACE) / seconds;
  } finally {
    await temp.cleanup();
  }
}

describe(`writing ${TRACES} traces of ${SPANS_PER_TRACE} spans`, () => {
  it(`logTrace, one transaction per trace: at least ${REQUIRED_SPANS_PER_SECOND} spans/s`, { timeout: 120_000 }, async () => {
    const rate = await spansPerSecond(async (store, traces) => {
      for (const trace of traces) await store.logTrace(trace);
    });
    console.log(`logTrace one by one: ${Math.round(rate)} spans/s`);
    expect(rate).toBeGreaterThan(REQUIRED_SPANS_PER_SECOND);
  });

  it(`logTraces, 100 traces per transaction: at least ${REQUIRED_SPANS_PER_SECOND} spans/s`, { timeout: 120_000 }, async () => {
    const rate = await spansPerSecond(async (store, traces) => {
      for (let i = 0; i < traces.length; i += 100) await store.logTraces(traces.slice(i, i + 100));
    });
    console.log(`logTraces in batches of 100: ${Math.round(rate)} spans/s`);
    expect(rate).toBeGreaterThan(REQUIRED_SPANS_PER_SECOND);
  });
});

describe(`searching ${TRACES} traces`, () => {
  let temp: TempStore;
  let experimentId: string;

  beforeAll(async () => {
    temp = await tempStore();
    experimentId = await temp.store.createExperiment('search');
    const traces = Array.from({ length: TRACES }, (_, i) => generatedTrace(i, experimentId, SPANS_PER_TRACE));
    for (let i = 0; i < traces.length; i += 500) await temp.store.logTraces(traces.slice(i, i + 500));
  }, 120_000);
  afterAll(async () => {
    await temp.cleanup();
  });

  async function medianMs(input: Omit<SearchTracesInput, 'experimentIds'>): Promise<number> {
    const search = () => temp.store.searchTraces({ experimentIds: [experimentId], ...input });
    await search();
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const start = performance.now();
      await search();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[2] as number;
  }

  it.each<[string, Omit<SearchTracesInput, 'experimentIds'>, number]>([
    ['the newest 100 with their spans', {}, 50],
    ['the newest 100 without spans', { includeSpans: false }, 20],
    ['a span name matching nothing (every trace visited)', { filter: "span.name = 'nope'", includeSpans: false }, 50],
    ['a span type matching nothing', { filter: "span.type = 'NOPE'", includeSpans: false }, 50],
    ['a span name ILIKE matching nothing', { filter: "span.name ILIKE 'nope%'", includeSpans: false }, 50],
    ['a tag and a metadata value', { filter: "tags.team = 'team-3' AND metadata.`mlflow.trace.session` = 'session-5'" }, 50],
    ['a runId, ordered by execution time', { runId: 'run-3', orderBy: ['execution_time_ms DESC'] }, 50],
    ['a trace name RLIKE matching nothing', { filter: "trace.name RLIKE 'nope'", includeSpans: false }, 50],
    // Attribute patterns read every span's stored JSON: the slow case, kept within a second.
    ['a span attribute LIKE matching one trace', { filter: "span.attributes.`mlflow.spanInputs` LIKE '%question 9999 %'" }, 1000],
  ])('takes under its budget for %s', async (_, input, budget) => {
    const ms = await medianMs(input);
    console.log(`search ${JSON.stringify(input)}: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(budget);
  });
});
