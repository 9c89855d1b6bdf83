import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeStores, getMetricHistory, getRun, searchRuns, setTrackingUri } from '../../src/index.js';
import { makeTempDir } from '../support/temp-dir.js';

const writerScript = join(import.meta.dirname, '..', 'support', 'writer-process.ts');

function startWriter(uri: string, runName: string, writes: number, batchSize: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', writerScript, uri, runName, String(writes), String(batchSize)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects the writer's output lines; resolves when `until` holds for a line, or the process exits. */
function watch(child: ChildProcess, until: (line: string) => boolean): { lines: string[]; reached: Promise<void>; exited: Promise<number | null> } {
  const lines: string[] = [];
  let buffer = '';
  let resolveReached: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    resolveReached = resolve;
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (until(line)) resolveReached();
    }
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(stderr);
      resolveReached();
      resolve(code);
    });
  });
  return { lines, reached, exited };
}

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeEach(async () => {
  ({ path: dir, remove } = await makeTempDir());
});
afterEach(async () => {
  await closeStores();
  setTrackingUri(undefined);
  await remove();
});

describe('a writer killed with SIGKILL', () => {
  it('leaves a store that passes integrity_check with every acknowledged write and no half batch', async () => {
    const child = startWriter(dir, 'victim', 100_000, 50);
    const output = watch(child, (line) => line === 'ack 150');
    await output.reached;
    child.kill('SIGKILL');
    await output.exited;

    const acked = output.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4)));
    const runId = output.lines.find((l) => l.startsWith('run '))?.slice(4) ?? '';
    expect(acked.length).toBeGreaterThanOrEqual(151);

    const db = new Database(join(dir, 'evalflow.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    setTrackingUri(dir);
    const history = await getMetricHistory(runId, 'm');
    const lastAcked = Math.max(...acked);
    // Every acknowledged batch is there, whole; at most one more batch (committed but not yet printed) may follow.
    expect(history.length % 50).toBe(0);
    expect(history.length).toBeGreaterThanOrEqual((lastAcked + 1) * 50);
    expect(history.length).toBeLessThanOrEqual((lastAcked + 2) * 50);
    const run = await getRun(runId);
    expect(Number(run.data.tags.last)).toBe(history.length / 50 - 1);
    expect(run.info.status).toBe('RUNNING');
  });
});

describe('two processes writing one store at once', () => {
  it('both succeed and every write is stored', async () => {
    const writers = ['left', 'right'].map((name) => {
      const child = startWriter(dir, name, 300, 20);
      return watch(child, (line) => line === 'done');
    });
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes).toEqual([0, 0]);

    setTrackingUri(dir);
    const runs = await searchRuns({ orderBy: ['attributes.run_name ASC'] });
    expect(runs.map((r) => [r.info.runName, r.info.status, r.data.params.writer])).toEqual([
      ['left', 'FINISHED', 'left'],
      ['right', 'FINISHED', 'right'],
    ]);
    for (const run of runs) {
      expect(await getMetricHistory(run.info.runId, 'm')).toHaveLength(300 * 20);
    }
  });
});
