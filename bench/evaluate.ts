import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { binaryClassifierMetrics } from '../metrics/index.js';
import { closeStores, evaluate, setTrackingUri } from '../src/index.js';
import { uniform, type BenchResult } from './harness.js';


/**
 * evaluate() of a binary classifier with probabilities on 1M rows (a static dataset held as columns), with and
 * without plots; the metric set alone; and scikit-learn computing the same metrics on the same data in the same run.
 */
export async function benchEvaluate(n = 1_000_000): Promise<BenchResult[]> {
  const rand = uniform(20261123);
  const y = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    y[i] = rand() < 0.5 ? 0 : 1;
    p[i] = Math.round(Math.min(1, Math.max(0, rand() * 0.6 + 0.4 * (y[i] as number))) * 1e6) / 1e6;
  }
  const predicted = Array.from(p, (v) => (v >= 0.5 ? 1 : 0));
  const labels = Array.from(y);
  const columns = { label: labels, predicted, p0: Array.from(p, (v) => 1 - v), p1: Array.from(p) };
  const options = { targets: 'label', predictions: 'predicted', probabilities: ['p0', 'p1'] };

  const dir = await mkdtemp(join(tmpdir(), 'evalflow-bench-eval-'));
  const results: BenchResult[] = [];
  try {
    setTrackingUri(dir);
    const probabilities = new Float64Array(2 * n);
    for (let i = 0; i < n; i += 1) {
      probabilities[2 * i] = 1 - (p[i] as number);
      probabilities[2 * i + 1] = p[i] as number;
    }
    let start = performance.now();
    const metrics = binaryClassifierMetrics({ yTrue: labels, yPred: predicted, probabilities });
    const metricsMs = performance.now() - start;

    // Alternate the two variants and take medians: this 2-core machine is noisy.
    const noPlots: number[] = [];
    const plots: number[] = [];
    let plotCount = 0;
    for (let round = 0; round < 3; round += 1) {
      start = performance.now();
      await evaluate(null, columns, 'classifier', { ...options, evaluatorConfig: { plots: false } });
      noPlots.push(performance.now() - start);
      start = performance.now();
      plotCount = Object.keys((await evaluate(null, columns, 'classifier', options)).artifacts).length;
      plots.push(performance.now() - start);
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const withoutPlotsWarmMs = median(noPlots);
    const withPlotsMs = median(plots);

    results.push(
      { name: `binary metric set with probabilities, ${n.toLocaleString('en-US')} rows (evalflow/metrics)`, value: metricsMs, unit: 'ms' },
      {
        name: 'evaluate(null, columns, "classifier"), plots: false (median of 3)',
        value: withoutPlotsWarmMs,
        unit: 'ms',
        note: `table, validation, metrics, logging; first call ${Math.round(noPlots[0] ?? 0)} ms`,
      },
      {
        name: 'evaluate(null, columns, "classifier") with ROC, PR, lift and confusion plots (median of 3)',
        value: withPlotsMs,
        unit: 'ms',
        goal: 'plots add < 1000 ms',
        note: `plots add ${Math.round(withPlotsMs - withoutPlotsWarmMs)} ms (${plotCount} plots); first call ${Math.round(plots[0] ?? 0)} ms, loading vega included`,
      },
    );

    const python = '/usr/bin/python3';
    const probe = spawnSync(python, ['-c', 'import sklearn'], { encoding: 'utf8' });
    if (probe.status === 0) {
      const dataDir = join(dir, 'data');
      await mkdir(dataDir);
      await writeFile(join(dataDir, 'y.f64'), new Uint8Array(y.buffer));
      await writeFile(join(dataDir, 'p.f64'), new Uint8Array(p.buffer));
      const run = spawnSync(python, [join(import.meta.dirname, 'sklearn_binary.py'), dataDir], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (run.status === 0) {
        const baseline = JSON.parse(run.stdout) as { seconds_arrays: number; seconds_lists: number; metrics: Record<string, number> };
        const worst = Math.max(
          ...Object.entries(baseline.metrics).map(([key, value]) => Math.abs((metrics[key] ?? Number.NaN) - value) / Math.max(1, Math.abs(value))),
        );
        results.push(
          {
            name: 'scikit-learn, same metrics on the same data (NumPy arrays)',
            value: baseline.seconds_arrays * 1000,
            unit: 'ms',
            note: `evalflow metric set is ${(baseline.seconds_arrays * 1000 / metricsMs).toFixed(1)}× faster; largest relative difference in values ${worst.toExponential(1)}`,
          },
          {
            name: 'scikit-learn, same metrics, from Python lists',
            value: baseline.seconds_lists * 1000,
            unit: 'ms',
            goal: 'evalflow evaluate() ≤ this',
            note: `evaluate() without plots takes ${(withoutPlotsWarmMs / (baseline.seconds_lists * 1000)).toFixed(2)}× this`,
          },
        );
      } else {
        results.push({ name: 'scikit-learn baseline', value: Number.NaN, unit: 'ms', note: `failed: ${run.stderr.slice(0, 200)}` });
      }
    } else {
      results.push({ name: 'scikit-learn baseline', value: Number.NaN, unit: 'ms', note: 'skipped: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn)' });
    }
  } finally {
    await closeStores();
    setTrackingUri(undefined);
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
