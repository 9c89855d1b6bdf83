import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { closeStores, searchTraces, setTrackingUri } from '../../../src/index.js';

const run = promisify(execFile);
let dir: string | undefined;

afterEach(async () => {
  await closeStores();
  setTrackingUri(undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('tracedOpenAI: a script that ends without flushTraces()', () => {
  it('still stores the trace of a stream read to its end just before, and of what came after', async () => {
    dir = await mkdtemp(join(tmpdir(), 'evalflow-exit-'));
    const script = join(import.meta.dirname, '..', '..', 'support', 'stream-then-exit.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, dir]);
    expect(stdout.trim()).toBe('read before exit');

    setTrackingUri(dir);
    const traces = await searchTraces({ maxResults: 10 });
    const names = traces.map((t) => t.data.spans[0]?.name).sort();
    expect(names).toEqual(['Completions', 'after-the-stream']);
    const stream = traces.find((t) => t.data.spans[0]?.name === 'Completions')?.data.spans[0];
    expect(stream?.outputs).toMatchObject({ choices: [{ message: { content: 'read before exit' }, finish_reason: 'stop' }] });
    expect(stream?.status.code).toBe('STATUS_CODE_OK');
  });
});
