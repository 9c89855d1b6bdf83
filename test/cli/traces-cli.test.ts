import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

const root = join(import.meta.dirname, '..', '..');
const binary = join(root, 'dist', 'src', 'cli', 'main.js');
const library = pathToFileURL(join(root, 'dist', 'src', 'index.js')).href;

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => {
  ({ path: dir, remove } = await makeTempDir('evalflow-cli-traces-'));
});
afterEach(async () => remove());

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, EVALFLOW_TRACKING_URI: join(dir, 'store'), NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('evalflow traces', () => {
  it('lists traces, shows one as a tree and exports MLflow JSON', async () => {
    await writeFile(
      join(dir, 'app.mjs'),
      `import { trace, withSpan, flushTraces, SpanType, SpanAttributeKey, getLastActiveTraceId } from ${JSON.stringify(library)};
const answer = trace(async function answer(question) {
  const docs = await trace(async function retrieve(q) { return ['doc-1', 'doc-2']; }, { spanType: SpanType.RETRIEVER })(question);
  return withSpan((span) => {
    span.setAttribute(SpanAttributeKey.CHAT_TOKEN_USAGE, { input_tokens: 12, output_tokens: 8, total_tokens: 20 });
    return 'a long answer '.repeat(20);
  }, { name: 'generate', spanType: SpanType.LLM, inputs: { docs } });
});
await answer('what is evalflow?');
await trace(async function broken() { throw new Error('upstream timeout'); })().catch(() => undefined);
await flushTraces();
console.log(getLastActiveTraceId());
`,
    );
    const app = run(['app.mjs']);
    expect(app.code, app.stderr).toBe(0);

    const list = run([binary, 'traces', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/tr-[0-9a-f]{32}\s+answer\s+OK/);
    expect(list.stdout).toMatch(/broken\s+ERROR/);
    const answerId = /(tr-[0-9a-f]{32})\s+answer/.exec(list.stdout)?.[1] ?? '';

    const errors = run([binary, 'traces', 'list', '--filter', "trace.status = 'ERROR'", '--json']);
    expect((JSON.parse(errors.stdout) as { tags: Record<string, string> }[]).map((t) => t.tags['mlflow.traceName'])).toEqual(['broken']);

    const show = run([binary, 'traces', 'show', answerId, '--width', '40']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('20 tokens');
    expect(show.stdout).toMatch(/^answer \[UNKNOWN\] [\d.]+ ms OK$/m);
    expect(show.stdout).toMatch(/^ {2}retrieve \[RETRIEVER\] [\d.]+ ms OK$/m);
    expect(show.stdout).toMatch(/^ {2}generate \[LLM\] [\d.]+ ms OK 20 tokens$/m);
    expect(show.stdout).toContain(`out: "${"a long answer ".repeat(3).slice(0, 38)}…`);

    const exported = run([binary, 'traces', 'export', answerId, '--out', 'trace.json']);
    expect(exported.code).toBe(0);
    const json = JSON.parse(await readFile(join(dir, 'trace.json'), 'utf8')) as { info: { trace_id: string }; data: { spans: unknown[] } };
    expect(json.info.trace_id).toBe(answerId);
    expect(json.data.spans).toHaveLength(3);

    const missing = run([binary, 'traces', 'show', 'tr-00000000000000000000000000000000']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No trace with id');
  });
});

describe('evalflow feedback', () => {
  it('logs feedback, overrides a judge verdict and lists both, the original marked overridden', async () => {
    await writeFile(
      join(dir, 'app.mjs'),
      `import { trace, flushTraces, getLastActiveTraceId, logFeedback } from ${JSON.stringify(library)};
await trace(async function answer(q) { return 'Paris'; })('capital of France?');
await flushTraces();
const traceId = getLastActiveTraceId();
const verdict = await logFeedback({ traceId, name: 'correctness', value: 'no', rationale: 'judge was unsure', source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' } });
console.log(traceId, verdict.assessmentId);
`,
    );
    const app = run(['app.mjs']);
    expect(app.code, app.stderr).toBe(0);
    const [traceId, judgeId] = app.stdout.trim().split(' ') as [string, string];

    const override = run([binary, 'feedback', 'override', traceId, judgeId, '--value', 'yes', '--rationale', 'Paris is right', '--source-id', 'ada']);
    expect(override.code, override.stderr).toBe(0);
    expect(override.stdout).toContain(`overriding ${judgeId}`);

    const logged = run([binary, 'feedback', 'log', traceId, '--name', 'helpfulness', '--value', '4', '--source-id', 'ada']);
    expect(logged.code, logged.stderr).toBe(0);

    const list = run([binary, 'feedback', 'list', traceId]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${judgeId}\\s+correctness\\s+feedback\\s+"no"\\s+LLM_JUDGE:openai:/gpt-4.1-mini\\s+no \\(overridden\\)`));
    expect(list.stdout).toMatch(new RegExp(`correctness\\s+feedback\\s+"yes"\\s+HUMAN:ada\\s+yes\\s+${judgeId}`));
    expect(list.stdout).toMatch(/helpfulness\s+feedback\s+4\s+HUMAN:ada\s+yes/);

    const json = JSON.parse(run([binary, 'feedback', 'list', traceId, '--json']).stdout) as { valid?: boolean; overrides?: string }[];
    expect(json.filter((a) => a.valid === false)).toHaveLength(1);

    const bad = run([binary, 'feedback', 'log', traceId, '--name', 'x', '--value', '1', '--source-type', 'ROBOT']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid assessment source type: ROBOT');
    expect(run([binary, 'feedback', 'override', traceId, 'a-nope', '--value', '1', '--source-id', 'ada']).code).toBe(2);
  });
});
