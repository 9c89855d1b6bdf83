import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { closeStores, flushTraces, searchTraces, setTrackingUri, tracing } from '../src/index.js';
import { tracedOpenAI } from '../src/integrations/openai/index.js';
import type { BenchResult } from './harness.js';

const root = join(import.meta.dirname, '..');

/** Starts the fake OpenAI server in its own process, so that its work is not counted as the client's. */
async function startServer(): Promise<{ baseURL: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'openai-server.ts'), '--serve', '--watch-stdin'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the fake OpenAI server exited with code ${code}`)));
  });
  lines.close();
  return { baseURL: (JSON.parse(first) as { baseURL: string }).baseURL, child };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Microseconds per call of `call`, `calls` calls in a row, the traces flushed to the store inside the timing. */
async function batch(calls: number, call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i += 1) await call();
  await flushTraces();
  return ((performance.now() - start) * 1000) / calls;
}

interface Comparison {
  plainUs: number;
  tracedUs: number;
  overheadUs: number;
}

/**
 * Interleaves the untraced and the traced client over many rounds (ABBA order, so drift hits both alike) and takes
 * medians: the per-call overhead is the median of each round's difference.
 */
async function compare(rounds: number, calls: number, plain: () => Promise<unknown>, traced: () => Promise<unknown>): Promise<Comparison> {
  await batch(calls * 4, plain);
  await batch(calls * 4, traced);
  const plainSamples: number[] = [];
  const tracedSamples: number[] = [];
  const differences: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let p: number;
    let t: number;
    if (round % 2 === 0) {
      p = await batch(calls, plain);
      t = await batch(calls, traced);
    } else {
      t = await batch(calls, traced);
      p = await batch(calls, plain);
    }
    plainSamples.push(p);
    tracedSamples.push(t);
    differences.push(t - p);
  }
  return { plainUs: median(plainSamples), tracedUs: median(tracedSamples), overheadUs: median(differences) };
}

/**
 * The cost tracing adds to an OpenAI call: the official client against a local OpenAI-compatible server in another
 * process, untraced against `tracedOpenAI`, each trace stored in SQLite (flushed inside the timing).
 */
export async function benchOpenAI(): Promise<BenchResult[]> {
  const { baseURL, child } = await startServer();
  const dir = await mkdtemp(join(tmpdir(), 'evalflow-bench-openai-'));
  try {
    setTrackingUri(dir);
    tracing.setDestination({});
    const client = new OpenAI({ baseURL, apiKey: 'sk-bench', maxRetries: 0 });
    const traced = tracedOpenAI(new OpenAI({ baseURL, apiKey: 'sk-bench', maxRetries: 0 }));
    const messages = [
      { role: 'system' as const, content: 'You are a concise assistant.' },
      { role: 'user' as const, content: 'What is the capital of France? Answer in one word.' },
    ];
    const chatRequest = { model: 'gpt-4o-mini', messages, temperature: 0 };
    const streamRequest = { ...chatRequest, stream: true as const, stream_options: { include_usage: true } };
    const readAll = async (stream: AsyncIterable<unknown>): Promise<void> => {
      for await (const _ of stream) {
        // read to the end
      }
    };

    const chat = await compare(
      40,
      25,
      () => client.chat.completions.create(chatRequest),
      () => traced.chat.completions.create(chatRequest),
    );
    const streamed = await compare(
      30,
      25,
      async () => readAll(await client.chat.completions.create(streamRequest)),
      async () => readAll(await traced.chat.completions.create(streamRequest)),
    );
    const stored = await searchTraces({ maxResults: 1 });

    return [
      { name: 'chat.completions.create, untraced (local server in another process)', value: chat.plainUs, unit: 'µs/call' },
      {
        name: 'chat.completions.create, tracedOpenAI, trace stored in SQLite',
        value: chat.overheadUs,
        unit: 'µs/call overhead',
        goal: '≤ 100 µs/call',
        note: `${chat.tracedUs.toFixed(0)} µs/call traced vs ${chat.plainUs.toFixed(0)} untraced; median of 40 interleaved rounds of 25 calls${stored.length > 0 ? '' : '; NO TRACE STORED'}`,
      },
      {
        name: 'chat.completions.create stream: true (5 chunks + usage), tracedOpenAI, trace stored',
        value: streamed.overheadUs,
        unit: 'µs/call overhead',
        goal: '≤ 100 µs/call',
        note: `${streamed.tracedUs.toFixed(0)} µs/call traced vs ${streamed.plainUs.toFixed(0)} untraced; median of 30 interleaved rounds of 25 calls`,
      },
    ];
  } finally {
    tracing.setDestination({});
    await closeStores();
    setTrackingUri(undefined);
    await rm(dir, { recursive: true, force: true });
    child.stdin?.end();
    child.kill('SIGTERM');
  }
}

// `npx tsx bench/openai.ts` runs this suite alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const result of await benchOpenAI()) process.stdout.write(`${result.name}: ${result.value.toFixed(1)} ${result.unit}${result.note ? ` — ${result.note}` : ''}\n`);
}
