import OpenAI from 'openai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushTraces, setTrackingUri, tracing } from '../src/index.js';
import { tracedOpenAI } from '../src/integrations/openai/index.js';
import { chatCompletion } from '../test/support/openai-server.js';
const body = JSON.stringify(chatCompletion({ content: 'Paris' }));
const fetch = async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
const client = new OpenAI({ baseURL: 'http://x/v1', apiKey: 'sk', maxRetries: 0, fetch });
const traced = tracedOpenAI(new OpenAI({ baseURL: 'http://x/v1', apiKey: 'sk', maxRetries: 0, fetch }));
const req = { model: 'gpt-4o-mini', messages: [{ role: 'system' as const, content: 'You are a concise assistant.' }, { role: 'user' as const, content: 'What is the capital of France? Answer in one word.' }], temperature: 0 };
async function run(label: string, fn: () => Promise<unknown>, n = 2000) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  await flushTraces();
  return ((performance.now() - t) * 1000) / n;
}
const mode = process.argv[2];
if (mode === 'store') { setTrackingUri(await mkdtemp(join(tmpdir(), 'probe-'))); tracing.setDestination({}); }
else tracing.setDestination({ store: false, exporters: [{ name: 'x', export: async () => {} }] });
const p: number[] = [], t: number[] = [];
for (let r = 0; r < 12; r++) { p.push(await run('plain', () => client.chat.completions.create(req), 500)); t.push(await run('traced', () => traced.chat.completions.create(req), 500)); }
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
console.log(mode, 'plain', med(p).toFixed(1), 'traced', med(t).toFixed(1), 'overhead', (med(t) - med(p)).toFixed(1));
process.exit(0);
