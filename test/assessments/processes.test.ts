import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getAssessment, logExpectation, logFeedback, overrideFeedback } from '../../src/assessments/index.js';
import { closeStores, flushTraces, getLastActiveTraceId, getTrace, setTrackingUri, trace, tracing } from '../../src/index.js';
import { makeTempDir } from '../support/temp-dir.js';

const fixtures = join(import.meta.dirname, 'fixtures');

/** Runs a fixture script under tsx; resolves with its exit code and output lines. `onLine` sees each line as it comes. */
function run(script: string, args: string[], onLine: (line: string) => void = () => undefined): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let seen = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const complete = stdout.split('\n').slice(0, -1);
      for (const line of complete.slice(seen)) onLine(line);
      seen = complete.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, lines: stdout.split('\n').filter((l) => l !== ''), stderr }));
  });
}

const answer = trace(async function answer(question: string) {
  return `answer to ${question}`;
});

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => {
  ({ path: dir, remove } = await makeTempDir());
  setTrackingUri(dir);
  tracing.setDestination({});
});
afterEach(async () => {
  await closeStores();
  setTrackingUri(undefined);
  await remove();
});

async function storedTrace(): Promise<string> {
  await answer('shared');
  await flushTraces();
  return getLastActiveTraceId() ?? '';
}

describe('assessments across processes', () => {
  it('a reader in a second process sees what this process logged', async () => {
    const traceId = await storedTrace();
    const judge = await logFeedback({ traceId, name: 'correctness', value: 'yes', source: { sourceType: 'LLM_JUDGE', sourceId: 'judge' }, rationale: 'ok' });
    const human = await overrideFeedback({ traceId, assessmentId: judge.assessmentId ?? '', value: 'no', source: { sourceType: 'HUMAN', sourceId: 'alice' } });
    const expectation = await logExpectation({ traceId, name: 'facts', value: { facts: ['a', 'b'] } });

    const result = await run('assessment-reader.ts', [dir, traceId, human.assessmentId ?? '', "feedback.correctness = 'no'"]);
    expect(result.code, result.stderr).toBe(0);
    const read = JSON.parse(result.lines[0] ?? '{}') as { assessment: unknown; assessments: unknown; found: string[] };
    expect(read.assessment).toEqual(human.toJSON());
    expect(read.assessments).toEqual([{ ...judge.toRecord(), valid: false }, human.toRecord(), expectation.toRecord()]);
    expect(read.found).toEqual([traceId]);
  });

  it('8 writer processes logging feedback on one trace at once lose nothing', async () => {
    const traceId = await storedTrace();
    await closeStores();
    const writers = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const count = 25;
    const goFile = join(dir, 'go');
    let ready = 0;
    const started = writers.map((writer) =>
      run('feedback-writer.ts', [dir, traceId, writer, String(count), goFile], (line) => {
        if (line !== 'ready') return;
        ready += 1;
        // All eight have the store open: start them together.
        if (ready === writers.length) writeFileSync(goFile, '');
      }),
    );
    const results = await Promise.all(started);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.lines.at(-1)).toBe('done');
    }

    const stored = (await getTrace(traceId))?.info.assessments ?? [];
    // Each writer: `count` feedbacks and one override.
    expect(stored).toHaveLength(writers.length * (count + 1));
    const acknowledged = results.flatMap((r) => r.lines.filter((l) => l.startsWith('ok ') || l.startsWith('override ')).map((l) => l.split(' ')[1]));
    expect(new Set(stored.map((a) => a.assessmentId))).toEqual(new Set(acknowledged));
    for (const writer of writers) {
      const mine = stored.filter((a) => a.name === `writer_${writer}`);
      expect(mine.map((a) => a.value).sort((x, y) => Number(x) - Number(y))).toEqual([-1, ...Array.from({ length: count }, (_, i) => i)]);
      const invalid = mine.filter((a) => !a.valid);
      expect(invalid.map((a) => a.value)).toEqual([0]);
      expect(mine.find((a) => a.value === -1)?.overrides).toBe(invalid[0]?.assessmentId);
      expect(mine.every((a) => a.source.sourceId === writer)).toBe(true);
      expect(mine.filter((a) => a.overrides === null).every((a) => a.metadata.writer === writer && a.metadata.i === String(a.value))).toBe(true);
    }
    const first = stored[0];
    expect(await getAssessment(traceId, first?.assessmentId ?? '')).toMatchObject({ traceId });

    const db = new Database(join(dir, 'evalflow.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 90_000);
});
