import OpenAI from 'openai';
import { flushTraces, tracing, startSpan, withSpan } from '../src/index.js';
import { observeResult } from '../src/integrations/openai/result.js';
import { toJsonString } from '../src/tracing/json-safe.js';
import { chatCompletion } from '../test/support/openai-server.js';
const body = JSON.stringify(chatCompletion({ content: 'Paris' }));
const fetch = async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
const client = new OpenAI({ baseURL: 'http://x/v1', apiKey: 'sk', maxRetries: 0, fetch });
const req = { model: 'gpt-4o-mini', messages: [{ role: 'system' as const, content: 'You are a concise assistant.' }, { role: 'user' as const, content: 'What is the capital of France? Answer in one word.' }], temperature: 0 };
tracing.setDestination({ store: false, exporters: [{ name: 'x', export: async () => {} }] });
const noop = { onValue: (v: unknown) => v, onError: () => {}, onRawResponse: () => {} };
const variants: Record<string, () => Promise<unknown>> = {
  plain: () => client.chat.completions.create(req),
  plumbing: () => observeResult(client.chat.completions.create(req), noop, false) as Promise<unknown>,
  plumbingT: () => observeResult(client.chat.completions.create(req), noop, true) as Promise<unknown>,
  thenOnly: async () => { const p = client.chat.completions.create(req); const r = await p; return r; },
  spanOnly: async () => { const s = startSpan({ name: 'Completions', inputs: req, attributes: { 'mlflow.message.format': 'openai', 'mlflow.llm.provider': 'openai', 'mlflow.llm.model': 'gpt-4o-mini' } }); const r = await client.chat.completions.create(req); s.end({ outputs: r, attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 1, output_tokens: 2, total_tokens: 3 } } }); return r; },
  spanMinimal: async () => { const s = startSpan({ name: 'Completions' }); const r = await client.chat.completions.create(req); s.end(); return r; },
};
const res: Record<string, number[]> = {};
for (let r = 0; r < 10; r++) for (const [k, fn] of Object.entries(variants)) {
  const t = performance.now(); for (let i = 0; i < 500; i++) await fn(); await flushTraces();
  (res[k] ??= []).push(((performance.now() - t) * 1000) / 500);
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
for (const [k, v] of Object.entries(res)) console.log(k, med(v).toFixed(1));
const resp = JSON.parse(body);
let t = performance.now(); for (let i = 0; i < 20000; i++) toJsonString(resp); console.log('toJsonString resp', ((performance.now() - t) * 1000 / 20000).toFixed(2));
t = performance.now(); for (let i = 0; i < 20000; i++) JSON.stringify(resp); console.log('JSON.stringify resp', ((performance.now() - t) * 1000 / 20000).toFixed(2));
process.exit(0);
