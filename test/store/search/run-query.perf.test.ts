import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSearchInput } from '../../../src/store/search/run-query.js';
import { createDb, insertRuns, search, type Db, type RunSeed } from './fixtures.js';

const RUNS = 10_000;
let db: Db;

beforeAll(() => {
  db = createDb();
  const runs: RunSeed[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    runs.push({
      id: `run${String(i).padStart(6, '0')}`,
      name: `run-${i}`,
      status: i % 5 === 0 ? 'FAILED' : 'FINISHED',
      start: 1_700_000_000_000 + i,
      end: i % 3 === 0 ? null : 1_700_000_100_000 + i,
      metrics: { rmse: ((i * 7919) % 1000) / 1000, mae: ((i * 104729) % 997) / 997, r2: i % 101 === 0 ? Number.NaN : (i % 89) / 89 },
      params: { model: ['tree', 'linear', 'Tree'][i % 3] as string, lr: String((i % 10) / 100), depth: String(i % 12) },
      tags: { team: `team-${i % 7}`, 'mlflow.source.name': `script-${i % 13}.ts`, stage: i % 2 ? 'dev' : 'prod' },
    });
  }
  insertRuns(db, runs);
});

/** Median wall time of a few runs of the search, after one warm-up. */
function medianMs(input: RunSearchInput): number {
  search(db, input);
  const times: number[] = [];
  for (let i = 0; i < 7; i += 1) {
    const start = performance.now();
    search(db, input);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[3] as number;
}

describe('run search over 10,000 runs', () => {
  it.each<[string, RunSearchInput]>([
    ['a metric filter', { experimentIds: ['1'], filter: 'metrics.rmse < 0.05' }],
    [
      'metric, param and tag filters',
      { experimentIds: ['1'], filter: "metrics.rmse < 0.5 AND params.model = 'tree' AND tags.team LIKE 'team-1%'" },
    ],
    ['an ILIKE filter ordered by a metric', { experimentIds: ['1'], filter: "params.model ILIKE 'TREE'", orderBy: ['metrics.mae DESC'] }],
    [
      'a filter matching almost every run, ordered by a metric and a param',
      { experimentIds: ['1'], filter: 'metrics.r2 >= 0', orderBy: ['metrics.rmse', 'params.depth DESC'] },
    ],
  ])('takes under 50 ms for %s', (_, input) => {
    expect(search(db, input).ids.length).toBeGreaterThan(0);
    expect(medianMs(input)).toBeLessThan(50);
  });
});
