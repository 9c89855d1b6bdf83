import { spawnSync } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

const binary = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const data = join(import.meta.dirname, '..', 'fixtures', 'data');

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => {
  ({ path: dir, remove } = await makeTempDir('evalflow-cli-'));
  await copyFile(join(data, 'breast_cancer_scored.csv'), join(dir, 'scored.csv'));
});
afterEach(async () => remove());

function evalflow(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [binary, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, EVALFLOW_TRACKING_URI: join(dir, 'store'), NO_COLOR: '1', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const evaluateArgs = ['evaluate', '--data', 'scored.csv', '--model-type', 'classifier', '--targets', 'diagnosis', '--predictions', 'predicted', '--probabilities', 'malignant=p_malignant,benign=p_benign'];

async function thresholds(content: unknown): Promise<string> {
  const path = join(dir, 'thresholds.json');
  await writeFile(path, JSON.stringify(content));
  return path;
}

describe('evalflow evaluate', () => {
  it('evaluates a CSV, prints the metrics and the run, and saves the result', () => {
    const result = evalflow([...evaluateArgs, '--run-name', 'candidate', '--experiment', 'ci', '--out', 'candidate']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/accuracy_score\s+0\.959064/);
    expect(result.stdout).toMatch(/run: [0-9a-f]{32}/);
    expect(result.stdout).toContain('roc_curve_plot: ');
    const listed = evalflow(['runs', 'list', '--experiment', 'ci', '--json']);
    expect(JSON.parse(listed.stdout)[0].info.runName).toBe('candidate');
  });

  it('evaluates a model exported by a module, and prints JSON', async () => {
    await writeFile(join(dir, 'model.mjs'), 'export const model = (row) => (row.p_malignant > 0.5 ? "malignant" : "benign");\n');
    const result = evalflow(['evaluate', '--data', 'scored.csv', '--model-type', 'classifier', '--targets', 'diagnosis', '--model', 'model.mjs#model', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { metrics: Record<string, number> };
    expect(json.metrics.example_count).toBe(171);
    expect(json.metrics.accuracy_score).toBeGreaterThan(0.9);
  });

  it('exits 2 with a clear message on bad input', () => {
    const missing = evalflow(['evaluate', '--data', 'scored.csv', '--model-type', 'classifier', '--targets', 'label', '--predictions', 'predicted']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('targets column "label" is not in the data');
    expect(evalflow(['evaluate', '--model-type', 'classifier']).code).toBe(2);
    expect(evalflow(['no-such-command']).code).toBe(2);
  });
});

describe('evalflow validate', () => {
  it('passes (0), fails on a regression (1) naming the metric, and rejects a bad thresholds file (2)', async () => {
    expect(evalflow([...evaluateArgs, '--out', 'baseline']).code).toBe(0);
    // A worse candidate: every prediction "benign".
    await writeFile(join(dir, 'worse.mjs'), 'export default () => "benign";\n');
    expect(evalflow(['evaluate', '--data', 'scored.csv', '--model-type', 'classifier', '--targets', 'diagnosis', '--model', 'worse.mjs', '--out', 'worse']).code).toBe(0);

    const pass = evalflow(['validate', '--candidate', 'baseline', '--thresholds', await thresholds({ accuracy_score: { threshold: 0.8, greater_is_better: true } })]);
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toContain('PASS accuracy_score');

    const file = await thresholds({ accuracy_score: { threshold: 0.8, min_absolute_change: 0.01, greater_is_better: true } });
    const fail = evalflow(['validate', '--candidate', 'worse', '--baseline', 'baseline', '--thresholds', file]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('FAIL accuracy_score');
    expect(fail.stdout).toContain('Metric accuracy_score value threshold check failed');
    expect(fail.stdout).toContain('minimum absolute change check failed');
    expect(fail.stdout).toContain('1 of 1 metrics failed');

    const markdown = evalflow(['validate', '--candidate', 'worse', '--baseline', 'baseline', '--thresholds', file, '--format', 'markdown']);
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('| ❌ | `accuracy_score` |');

    const json = evalflow(['validate', '--candidate', 'worse', '--baseline', 'baseline', '--thresholds', file, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ passed: false, metrics: [{ metric: 'accuracy_score', passed: false }] });

    const bad = evalflow(['validate', '--candidate', 'baseline', '--thresholds', await thresholds({ accuracy_score: { threshold: 'high', greater_is_better: true } })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('`threshold` parameter must be a number');
    expect(evalflow(['validate', '--candidate', 'nope', '--thresholds', file]).code).toBe(2);
  });

  it('takes run ids as candidate and baseline', async () => {
    const first = evalflow([...evaluateArgs, '--json']);
    const runId = (JSON.parse(first.stdout) as { runId: string }).runId;
    const file = await thresholds({ f1_score: { min_relative_change: 0.05, greater_is_better: true } });
    const same = evalflow(['validate', '--candidate', runId, '--baseline', runId, '--thresholds', file]);
    expect(same.code).toBe(1);
    expect(same.stdout).toContain('minimum relative change check failed');
  });
});

describe('evalflow runs, experiments and doctor', () => {
  it('lists, shows and compares runs', async () => {
    const a = (JSON.parse(evalflow([...evaluateArgs, '--run-name', 'a', '--json']).stdout) as { runId: string }).runId;
    await writeFile(join(dir, 'worse.mjs'), 'export default () => "benign";\n');
    const b = (JSON.parse(evalflow(['evaluate', '--data', 'scored.csv', '--model-type', 'classifier', '--targets', 'diagnosis', '--model', 'worse.mjs', '--run-name', 'b', '--json']).stdout) as { runId: string }).runId;

    const list = evalflow(['runs', 'list', '--filter', 'metrics.accuracy_score > 0.9', '--columns', 'metrics.accuracy_score']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(a);
    expect(list.stdout).not.toContain(b);

    const show = evalflow(['runs', 'show', a]);
    expect(show.stdout).toContain('accuracy_score');
    expect(show.stdout).toContain('roc_curve_plot.png');

    const compare = evalflow(['runs', 'compare', a, b]);
    expect(compare.stdout).toMatch(/accuracy_score\s+0\.959064\s+0\.631579 \(-0\.327485\)/);

    expect(evalflow(['runs', 'show', 'nope']).code).toBe(2);
    expect(evalflow(['experiments', 'list']).stdout).toContain('Default');
  });

  it('reports the set-up without printing secrets', () => {
    const result = evalflow(['doctor', '--json'], { OPENAI_API_KEY: 'sk-test-1234567890abcdef' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('sk-test-1234567890abcdef');
    expect(JSON.parse(result.stdout).openai.apiKey).toBe('sk-…ef (24 characters)');
  });
});
