// Run by test/integrations/openai/exit.test.ts: reads a traced stream (the SDK with an in-process fetch), traces one
// more call, and lets the process end without flushTraces(). Every trace must still reach the store.
import OpenAI from 'openai';
import { setTrackingUri, tracedOpenAI, withSpan } from '../../src/index.js';

setTrackingUri(process.argv[2] as string);
const sse = [
  { id: 'chatcmpl-exit', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { role: 'assistant', content: 'read before exit' }, finish_reason: null }] },
  { id: 'chatcmpl-exit', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
]
  .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
  .concat('data: [DONE]\n\n')
  .join('');
const client = tracedOpenAI(
  new OpenAI({ apiKey: 'sk-exit', baseURL: 'http://127.0.0.1:9/v1', fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }) }),
);
let text = '';
for await (const chunk of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })) {
  text += chunk.choices[0]?.delta.content ?? '';
}
withSpan(() => text, { name: 'after-the-stream' });
process.stdout.write(`${text}\n`);
