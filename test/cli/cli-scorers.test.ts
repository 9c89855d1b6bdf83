// `evalflow evaluate` with scorers and LLM judges: the built binary against the local fake OpenAI server.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressReporter } from '../../src/cli/progress.js';
import { useFakeOpenAI } from '../support/use-fake-openai.js';
import { promptText, verdict } from '../support/judge-replies.js';
import { makeTempDir } from '../support/temp-dir.js';

const root = join(import.meta.dirname, '..', '..');
const binary = join(root, 'dist', 'src', 'cli', 'main.js');
const judgesModule = pathToFileURL(join(root, 'dist', 'judges', 'index.js')).href;
const VALID_JUDGES = 'correctness, relevance_to_query, safety, expectations_guidelines, retrieval_groundedness, retrieval_relevance, retrieval_sufficiency';

const fake = useFakeOpenAI();

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => {
  ({ path: dir, remove } = await makeTempDir('evalflow-cli-scorers-'));
});
afterEach(async () => {
  fake.reset();
  await remove();
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary without blocking this process, which serves the fake judge. */
function evalflow(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const base: Record<string, string | undefined> = { ...process.env, EVALFLOW_TRACKING_URI: join(dir, 'store'), NO_COLOR: '1' };
  delete base.OPENAI_API_KEY;
  delete base.OPENAI_BASE_URL;
  delete base.EVALFLOW_JUDGE_MODEL;
  return new Promise((resolve) => {
    execFile(process.execPath, [binary, ...args], { cwd: dir, encoding: 'utf8', env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const judgeEnv = (): Record<string, string> => ({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' });

/** Three rows in MLflow's GenAI shape: the second answer is wrong, the third unsafe. */
const GENAI_ROWS = [
  { inputs: { question: 'What is the capital of France?' }, outputs: 'Paris', expectations: { expected_response: 'Paris' } },
  { inputs: { question: 'What is 2 + 2?' }, outputs: 'The answer is 5', expectations: { expected_response: '4' } },
  { inputs: { question: 'Who wrote Hamlet?' }, outputs: 'Shakespeare, and I will hurt you', expectations: { expected_response: 'William Shakespeare' } },
];

/** Correctness says no to "5"; safety says no to the threat; everything else is yes. */
function scriptJudges(): void {
  fake.setDefault('chat/completions', (request) => {
    const text = promptText(request);
    if (text.includes('harmful content')) return text.includes('I will hurt you') ? verdict('no', 'A threat.') : verdict('yes', 'Harmless.');
    return text.includes('The answer is 5') ? verdict('no', '5 is not 4.') : verdict('yes', 'It matches.');
  });
}

const metric = (stdout: string, name: string): number => {
  const match = new RegExp(`^${name.replace('/', '\\/')}\\s+(\\S+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no ${name} in:\n${stdout}`);
  return Number(match[1]);
};

describe('evalflow evaluate --judges', () => {
  it('runs built-in judges on a JSON dataset, prints their metrics, the judge stats and the run; the cache answers a second run', async () => {
    await writeFile(join(dir, 'qa.json'), JSON.stringify(GENAI_ROWS));
    scriptJudges();

    const first = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'correctness,safety', '--judge-model', 'openai:/judge-1'], judgeEnv());
    expect(first.code, first.stderr).toBe(0);
    expect(metric(first.stdout, 'correctness/mean')).toBeCloseTo(2 / 3, 5);
    expect(metric(first.stdout, 'safety/mean')).toBeCloseTo(2 / 3, 5);
    expect(first.stdout).toContain('judges: 6 calls, 0 cache hits, 0 errors');
    expect(first.stdout).toMatch(/^run: [0-9a-f]{32}$/m);
    // Not a terminal: no progress bar.
    expect(first.stderr).not.toContain('judge calls');
    const requests = fake.requestsTo('chat/completions');
    expect(requests).toHaveLength(6);
    expect(requests.every((r) => (r.body as { model?: string }).model === 'judge-1')).toBe(true);
    const authorization = requests[0]?.headers.authorization;
    expect(authorization).toBe('Bearer sk-test');

    // Same judges, same rows: every reply comes from the cache in the store.
    const second = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'correctness', '--judges', 'safety', '--judge-model', 'openai:/judge-1', '--json'], judgeEnv());
    expect(second.code, second.stderr).toBe(0);
    const json = JSON.parse(second.stdout) as { metrics: Record<string, number>; runId: string; judgeStats: Record<string, number> };
    expect(json.judgeStats).toEqual({ calls: 0, cacheHits: 6, errors: 0 });
    expect(json.metrics['correctness/mean']).toBeCloseTo(2 / 3, 5);
    expect(json.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(fake.requestsTo('chat/completions')).toHaveLength(6);

    // --no-cache asks the judge again, at most --judge-concurrency calls at once.
    const third = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'correctness,safety', '--judge-model', 'openai:/judge-1', '--no-cache', '--judge-concurrency', '2', '--json'], judgeEnv());
    expect(third.code, third.stderr).toBe(0);
    expect((JSON.parse(third.stdout) as { judgeStats: unknown }).judgeStats).toEqual({ calls: 6, cacheHits: 0, errors: 0 });
    expect(fake.requestsTo('chat/completions')).toHaveLength(12);
  });

  it('maps plain CSV columns to inputs, outputs and expectations, and takes the judge model from EVALFLOW_JUDGE_MODEL', async () => {
    await writeFile(
      join(dir, 'qa.csv'),
      ['id,question,answer,truth', '1,What is the capital of France?,Paris,Paris', '2,What is 2 + 2?,The answer is 5,4'].join('\n'),
    );
    scriptJudges();
    const result = await evalflow(
      ['evaluate', '--data', 'qa.csv', '--judges', 'correctness', '--inputs', 'question', '--outputs', 'answer', '--expectations', 'expected_response=truth'],
      { ...judgeEnv(), EVALFLOW_JUDGE_MODEL: 'openai:/from-env' },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(metric(result.stdout, 'correctness/mean')).toBe(0.5);
    const prompts = fake.requestsTo('chat/completions').map((r) => promptText(r));
    expect(prompts.some((p) => p.includes('Question: {"question":"What is 2 + 2?"}\nAnswer: The answer is 5') && p.includes('<claim>\n4\n</claim>'))).toBe(true);
    // The id column is not an input: --inputs names the inputs.
    expect(prompts.some((p) => p.includes('"id"'))).toBe(false);
    expect(fake.requestsTo('chat/completions').every((r) => (r.body as { model?: string }).model === 'from-env')).toBe(true);
  });

  it('counts judge failures as errors, warns, and still exits 0', async () => {
    await writeFile(join(dir, 'qa.json'), JSON.stringify(GENAI_ROWS));
    fake.setDefault('chat/completions', { status: 400, json: { error: { message: 'bad request', type: 'invalid_request_error', param: null, code: null } } });
    const result = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'safety', '--json'], judgeEnv());
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { metrics: Record<string, number>; judgeStats: { errors: number } };
    expect(json.judgeStats.errors).toBe(3);
    expect(json.metrics['safety/mean']).toBeUndefined();
    expect(result.stderr).toContain('warning: 3 feedback are errors');
  });

  it('rejects an unknown judge (exit 2, listing the valid ones) and judges without a server', async () => {
    await writeFile(join(dir, 'qa.json'), JSON.stringify(GENAI_ROWS));
    const unknown = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'correctness,helpfulness'], judgeEnv());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown judge "helpfulness"');
    expect(unknown.stderr).toContain(VALID_JUDGES);

    const guidelines = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'guidelines'], judgeEnv());
    expect(guidelines.code).toBe(2);
    expect(guidelines.stderr).toContain('guidelines({ guidelines: [...] })');

    const noServer = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'safety']);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('OPENAI_API_KEY');

    const badModel = await evalflow(['evaluate', '--data', 'qa.json', '--judges', 'safety', '--judge-model', 'anthropic:/claude'], judgeEnv());
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain("Unsupported judge model provider 'anthropic'");
    expect(fake.requestsTo('chat/completions')).toHaveLength(0);
  });
});

describe('evalflow evaluate --scorers', () => {
  async function writeScorers(): Promise<void> {
    await writeFile(
      join(dir, 'scorers.mjs'),
      `import { scorer } from ${JSON.stringify(judgesModule)};
export const exact = scorer(({ outputs, expectations }) => outputs === expectations?.expected_response, { name: 'matches' });
export const length = scorer(({ outputs }) => String(outputs).length, { name: 'length', aggregations: ['mean', 'max'] });
export const flaky = scorer(({ inputs }) => { if (inputs.question.includes('2 + 2')) throw new Error('cannot score sums'); return 1; }, { name: 'flaky' });
export const all = [exact, length];
export const notAScorer = ({ outputs }) => outputs.length;
export const empty = [];
export default exact;
`,
    );
  }

  it('loads scorers from a module (one, or an array; repeatable or comma-separated) and prints their metrics', async () => {
    await writeScorers();
    await writeFile(join(dir, 'qa.json'), JSON.stringify(GENAI_ROWS));
    const result = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'scorers.mjs#all', '--scorers', 'scorers.mjs#flaky']);
    expect(result.code, result.stderr).toBe(0);
    expect(metric(result.stdout, 'matches/mean')).toBeCloseTo(1 / 3, 5);
    expect(metric(result.stdout, 'length/max')).toBe('Shakespeare, and I will hurt you'.length);
    expect(metric(result.stdout, 'flaky/mean')).toBe(1);
    // A scorer that throws is a SCORER_ERROR feedback: a warning, not a failed exit.
    expect(result.stdout).toContain('judges: 0 calls, 0 cache hits, 1 error');
    expect(result.stderr).toContain('warning: 1 feedback is an error');

    const json = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'scorers.mjs,scorers.mjs#length', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { metrics: Record<string, number>; judgeStats: unknown };
    expect(Object.keys(parsed.metrics).sort()).toEqual(['length/max', 'length/mean', 'matches/mean']);
    expect(parsed.judgeStats).toEqual({ calls: 0, cacheHits: 0, errors: 0 });
  });

  it('runs scorers together with a model type on the same outputs', async () => {
    await writeScorers();
    await writeFile(join(dir, 'qa.csv'), ['question,answer,truth', 'Capital of France?,Paris,Paris', 'Two plus two?,five,four'].join('\n'));
    const result = await evalflow([
      'evaluate', '--data', 'qa.csv', '--model-type', 'question-answering', '--targets', 'truth', '--predictions', 'answer',
      '--inputs', 'question', '--expectations', 'expected_response=truth', '--scorers', 'scorers.mjs#exact', '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const metrics = (JSON.parse(result.stdout) as { metrics: Record<string, number> }).metrics;
    expect(metrics['matches/mean']).toBe(0.5);
    expect(metrics['exact_match/v1']).toBe(0.5);
  });

  it('exits 2 naming the module and export when the export is not a scorer', async () => {
    await writeScorers();
    await writeFile(join(dir, 'qa.json'), JSON.stringify(GENAI_ROWS));
    const fn = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'scorers.mjs#notAScorer']);
    expect(fn.code).toBe(2);
    expect(fn.stderr).toContain('The export "notAScorer" of the scorers module "scorers.mjs" is a function, not a scorer');
    expect(fn.stderr).toContain('scorer(fn)');

    const missing = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'scorers.mjs#nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('The scorers module "scorers.mjs" has no export "nope". Exports: ');
    expect(missing.stderr).toContain('notAScorer');

    const empty = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'scorers.mjs#empty']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('is an empty array');

    const noFile = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'missing.mjs#x']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Cannot load the scorers module "missing.mjs"');

    const twice = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'scorers.mjs#exact,scorers.mjs']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('Two scorers are named "matches"');
  });

  it('needs --model-type without scorers, and refuses the scorer-only flags without them', async () => {
    await writeFile(join(dir, 'qa.json'), JSON.stringify(GENAI_ROWS));
    const noType = await evalflow(['evaluate', '--data', 'qa.json']);
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain("required option '--model-type <type>' not specified");

    const stray = await evalflow(['evaluate', '--data', 'qa.json', '--model-type', 'text', '--outputs', 'answer', '--no-cache']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--outputs, --no-cache apply only with --scorers or --judges');

    await writeScorers();
    const badCount = await evalflow(['evaluate', '--data', 'qa.json', '--scorers', 'scorers.mjs', '--judge-concurrency', '0']);
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toContain('--judge-concurrency must be a whole number of at least 1');
  });
});

describe('the progress bar', () => {
  it('counts rows, judge calls and cache hits at a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const progress = progressReporter('evaluating', { judges: true, enabled: true, stream });
    progress.update({ done: 0, total: 4, judgeCalls: 0, cacheHits: 0 });
    progress.update({ done: 4, total: 4, judgeCalls: 7, cacheHits: 1, phase: 'done' });
    progress.stop();
    expect(text).toContain('4/4 rows | 7 judge calls | 1 cache hits');
  });

  it('is off when not enabled (stdout not a terminal, or --json)', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
    let written = 0;
    stream.on('data', (chunk: Buffer) => {
      written += chunk.length;
    });
    const progress = progressReporter('evaluating', { judges: true, enabled: false, stream });
    progress.update({ done: 1, total: 1, judgeCalls: 1, cacheHits: 0 });
    progress.stop();
    expect(written).toBe(0);
  });
});
