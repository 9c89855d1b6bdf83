import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { closeStores, flushTraces, searchTraces, setTrackingUri, SpanType, startSpan, tracedOpenAI, tracing } from '../src/index.js';
import { runIfMain, type BenchResult } from './harness.js';
import { startServerProcess } from './server-process.js';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

interface Sample {
  /** Wall-clock microseconds per call. */
  wallUs: number;
  /** Microseconds of this process's CPU per call (user + system): what the client itself spent. */
  cpuUs: number;
}

/** `calls` calls in a row, the traces flushed to the store inside the timing. */
async function batch(calls: number, call: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i += 1) await call();
  await flushTraces();
  const used = process.cpuUsage(cpu);
  return { wallUs: ((performance.now() - start) * 1000) / calls, cpuUs: (used.user + used.system) / calls };
}

interface Comparison {
  baseWallUs: number;
  /** Medians of each round's difference to the untraced batch next to it. */
  overheadWallUs: number;
  overheadCpuUs: number;
}

/**
 * Interleaves the untraced call with each variant over many rounds (the order rotates every round, so that drift and
 * the other processes on the machine hit all alike) and takes medians of the per-round differences.
 */
async function compare(rounds: number, calls: number, untraced: () => Promise<unknown>, variants: (() => Promise<unknown>)[]): Promise<Comparison[]> {
  const all = [untraced, ...variants];
  for (const variant of all) await batch(100, variant);
  const samples: Sample[][] = all.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let k = 0; k < all.length; k += 1) {
      const index = (round + k) % all.length;
      samples[index]?.push(await batch(calls, all[index] as () => Promise<unknown>));
    }
  }
  const base = samples[0] ?? [];
  return samples.slice(1).map((variant) => ({
    baseWallUs: median(base.map((s) => s.wallUs)),
    overheadWallUs: median(variant.map((s, i) => s.wallUs - (base[i]?.wallUs ?? Number.NaN))),
    overheadCpuUs: median(variant.map((s, i) => s.cpuUs - (base[i]?.cpuUs ?? Number.NaN))),
  }));
}

/** Rounds of calls one after another, as a service handling one request at a time makes them. */
const ROUNDS = 200;
const CALLS = 25;

const us = (value: number): string => `${value.toFixed(0)} µs`;

/**
 * The cost tracing adds to an OpenAI call: the official client against a local OpenAI-compatible server in another
 * process, untraced against `tracedOpenAI`, each trace stored in SQLite (flushed inside the timing).
 */
export async function benchOpenAI(): Promise<BenchResult[]> {
  const server = await startServerProcess('test/support/openai-server.ts', ['--serve', '--watch-stdin']);
  const { baseURL } = server;
  const dir = await mkdtemp(join(tmpdir(), 'evalflow-bench-openai-'));
  try {
    setTrackingUri(dir);
    // BENCH_NO_STORE=1: traces go to an exporter that drops them, to see what the store's share is.
    tracing.setDestination(process.env.BENCH_NO_STORE ? { store: false, exporters: [{ name: 'noop', export: async () => undefined }] } : {});
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

    // The tracing core's share: an empty span (no inputs, outputs or attributes) around the untraced call.
    const bareSpan = async <T>(call: () => Promise<T>): Promise<T> => {
      const span = startSpan({ name: 'Completions', spanType: SpanType.CHAT_MODEL });
      const result = await call();
      span.end();
      return result;
    };

    const [chat, chatCore] = await compare(ROUNDS, CALLS, () => client.chat.completions.create(chatRequest), [
      () => traced.chat.completions.create(chatRequest),
      () => bareSpan(() => client.chat.completions.create(chatRequest)),
    ]);
    const [streamed] = await compare(ROUNDS, CALLS, async () => readAll(await client.chat.completions.create(streamRequest)), [
      async () => readAll(await traced.chat.completions.create(streamRequest)),
    ]);
    const stored = await searchTraces({ maxResults: 1 });
    if (!chat || !chatCore || !streamed || (stored.length === 0 && !process.env.BENCH_NO_STORE)) throw new Error('the OpenAI benchmark recorded nothing');

    return [
      { name: 'chat.completions.create, untraced (local server in another process)', value: chat.baseWallUs, unit: 'µs/call' },
      {
        name: 'chat.completions.create through tracedOpenAI, trace stored in SQLite: overhead',
        value: chat.overheadWallUs,
        unit: 'µs/call',
        goal: '≤ 100 µs/call',
        note:
          `client CPU +${us(chat.overheadCpuUs)}/call; an empty span around the untraced call (tracing core and store alone) ` +
          `costs +${us(chatCore.overheadWallUs)} wall, +${us(chatCore.overheadCpuUs)} CPU; medians of ${ROUNDS} interleaved rounds of ${CALLS} calls, each round flushed to SQLite inside its timing`,
      },
      {
        name: 'chat.completions.create stream: true (5 chunks + usage) through tracedOpenAI, trace stored: overhead',
        value: streamed.overheadWallUs,
        unit: 'µs/call',
        goal: '≤ 100 µs/call',
        note: `untraced ${us(streamed.baseWallUs)}/call; client CPU +${us(streamed.overheadCpuUs)}/call; medians of ${ROUNDS} interleaved rounds of ${CALLS} calls`,
      },
    ];
  } finally {
    tracing.setDestination({});
    await closeStores();
    setTrackingUri(undefined);
    await rm(dir, { recursive: true, force: true });
    server.stop();
  }
}

// `npx tsx bench/openai.ts` runs this suite alone.
await runIfMain(import.meta.url, benchOpenAI);
