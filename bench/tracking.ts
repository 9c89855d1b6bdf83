import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTrackingStore } from '../src/store/sqlite/sqlite-store.js';
import type { Metric } from '../src/store/entities.js';
import { time, type BenchResult } from './harness.js';

/** Metrics logged per second in one batch of 100k, and searchRuns latency over 10k runs. */
export async function benchTracking(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'evalflow-bench-'));
  const store = new SqliteTrackingStore(join(dir, 'evalflow.db'), join(dir, 'artifacts'));
  const results: BenchResult[] = [];
  try {
    const run = await store.createRun({ experimentId: '0', runName: 'bench', userId: 'bench', startTime: Date.now(), tags: [] });
    const batchSize = 100_000;
    let round = 0;
    const batch = (): Metric[] => {
      round += 1;
      const now = Date.now();
      return Array.from({ length: batchSize }, (_, i) => ({
        key: `metric_${i % 10}`,
        value: Math.random(),
        timestamp: now,
        step: round * batchSize + i,
      }));
    };
    const prepared = Array.from({ length: 6 }, batch);
    let next = 0;
    const batchTime = await time(() => store.logBatch(run.info.runId, { metrics: prepared[next++] ?? [] }), { repeat: 5, warmup: 1 });
    results.push({
      name: 'logBatch: 100k metrics in one call',
      value: batchTime.medianMs,
      unit: 'ms',
      goal: '< 1000 ms',
      note: `${Math.round(batchSize / (batchTime.medianMs / 1000)).toLocaleString('en-US')} metrics/s`,
    });

    const singles = 2_000;
    const single = await time(
      async () => {
        for (let i = 0; i < singles; i += 1) {
          await store.logBatch(run.info.runId, { metrics: [{ key: 'single', value: i, timestamp: Date.now(), step: i }] });
        }
      },
      { repeat: 3, warmup: 0 },
    );
    results.push({
      name: 'logBatch: one metric per call (one transaction each)',
      value: (single.medianMs * 1000) / singles,
      unit: 'µs/call',
      note: `${Math.round(singles / (single.medianMs / 1000)).toLocaleString('en-US')} calls/s`,
    });

    const experimentId = await store.createExperiment('search-bench');
    const runCount = 10_000;
    const models = ['tree', 'linear', 'forest', 'boost'];
    for (let i = 0; i < runCount; i += 1) {
      const created = await store.createRun({
        experimentId,
        runName: `run-${i}`,
        userId: 'bench',
        startTime: 1_700_000_000_000 + i,
        tags: [{ key: 'team', value: i % 3 === 0 ? 'risk' : 'growth' }],
      });
      await store.logBatch(created.info.runId, {
        metrics: [
          { key: 'rmse', value: (i % 997) / 997, timestamp: 1, step: 0 },
          { key: 'mae', value: (i % 113) / 113, timestamp: 1, step: 0 },
          { key: 'r2', value: 1 - (i % 89) / 89, timestamp: 1, step: 0 },
        ],
        params: [
          { key: 'model', value: models[i % 4] ?? 'tree' },
          { key: 'depth', value: String(i % 12) },
        ],
      });
    }
    const cases: [string, Parameters<SqliteTrackingStore['searchRuns']>[0]][] = [
      [
        "filter metrics.rmse < 0.1 AND params.model = 'tree', 100 results",
        { experimentIds: [experimentId], filter: "metrics.rmse < 0.1 and params.model = 'tree'", maxResults: 100 },
      ],
      [
        "filter metrics.rmse < 0.1 AND params.model = 'tree', order by metrics.rmse, 100 results",
        {
          experimentIds: [experimentId],
          filter: "metrics.rmse < 0.1 and params.model = 'tree'",
          orderBy: ['metrics.rmse ASC'],
          maxResults: 100,
        },
      ],
      [
        "filter tags.team = 'risk', 1000 results (MLflow's default page)",
        { experimentIds: [experimentId], filter: "tags.team = 'risk'" },
      ],
      ['no filter, order by metrics.r2 DESC, 100 results', { experimentIds: [experimentId], orderBy: ['metrics.r2 DESC'], maxResults: 100 }],
    ];
    for (const [label, input] of cases) {
      const search = await time(() => store.searchRuns(input), { repeat: 9, warmup: 2 });
      const count = (await store.searchRuns(input)).items.length;
      results.push({
        name: `searchRuns over 10k runs: ${label}`,
        value: search.medianMs,
        unit: 'ms',
        goal: '< 50 ms',
        note: `${count} runs returned`,
      });
    }
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
