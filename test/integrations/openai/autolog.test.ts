import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { Completions } from 'openai/resources/chat/completions/completions';
import { Embeddings } from 'openai/resources/embeddings';
import { Responses } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, it } from 'vitest';
import { flushTraces, tracing } from '../../../src/index.js';
import { autolog, isOpenAIAutologged, tracedOpenAI } from '../../../src/integrations/openai/index.js';
import { useMemoryTraces } from '../../support/memory-traces.js';
import { chatCompletion } from '../../support/openai-server.js';
import { API_KEY, onlyOpenAISpan, openAISpans, useFakeOpenAI } from './helpers.js';

const memory = useMemoryTraces();
const fake = useFakeOpenAI();
const originals = { chat: Completions.prototype.create, parse: Completions.prototype.parse, responses: Responses.prototype.create, embeddings: Embeddings.prototype.create };
const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

afterEach(async () => {
  autolog.openai({ disable: true });
});

describe('autolog.openai()', () => {
  it('traces every client of the package, from the moment it returns', async () => {
    autolog.openai();
    expect(isOpenAIAutologged()).toBe(true);
    const client = fake.client();
    await client.chat.completions.create(hello);
    await client.responses.create({ model: 'gpt-4.1-mini', input: 'hi' });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
    const stream = await client.chat.completions.create({ ...hello, stream: true });
    for await (const _ of stream) {
      // read to the end
    }
    await flushTraces();
    expect(openAISpans(memory.traces).map((s) => [s.name, s.type])).toEqual([
      ['Completions', 'CHAT_MODEL'],
      ['Responses', 'CHAT_MODEL'],
      ['Embeddings', 'EMBEDDING'],
      ['Completions', 'CHAT_MODEL'],
    ]);
    expect((openAISpans(memory.traces)[3]?.outputs as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('echo: hello');
  });

  it('is undone by { disable: true }: the original methods are back', async () => {
    autolog.openai();
    autolog.openai(); // twice is the same as once
    expect(Completions.prototype.create).not.toBe(originals.chat);
    autolog.openai({ disable: true });
    expect(isOpenAIAutologged()).toBe(false);
    expect(Completions.prototype.create).toBe(originals.chat);
    expect(Completions.prototype.parse).toBe(originals.parse);
    expect(Responses.prototype.create).toBe(originals.responses);
    expect(Embeddings.prototype.create).toBe(originals.embeddings);
    await fake.client().chat.completions.create(hello);
    await flushTraces();
    expect(memory.traces).toHaveLength(0);
  });

  it('traces parse() once although parse() calls create()', async () => {
    autolog.openai();
    fake.server().script('chat/completions', { json: chatCompletion({ content: '{"n":1}' }) });
    const parsed = await fake.client().chat.completions.parse({
      ...hello,
      response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } } },
    });
    expect(parsed.choices[0]?.message.parsed).toEqual({ n: 1 });
    await flushTraces();
    expect(onlyOpenAISpan(memory.traces).outputs).toMatchObject({ choices: [{ message: { parsed: { n: 1 } } }] });
  });

  it('traces the SDK’s stream() helper through the create() it calls', async () => {
    autolog.openai();
    const runner = fake.client().chat.completions.stream({ ...hello, stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('echo: hello');
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect((span.outputs as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('echo: hello');
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
  });

  it('does not trace a call twice when a tracedOpenAI client is used too', async () => {
    autolog.openai();
    const client = tracedOpenAI(fake.client());
    await client.chat.completions.create(hello);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
    await flushTraces();
    expect(openAISpans(memory.traces).map((s) => s.name)).toEqual(['Completions', 'Embeddings']);
  });

  it('patches the CommonJS build too when it is loaded', async () => {
    const require = createRequire(import.meta.url);
    const { OpenAI: CommonJSOpenAI } = require('openai') as { OpenAI: typeof OpenAI };
    expect(CommonJSOpenAI).not.toBe(OpenAI);
    autolog.openai();
    await new CommonJSOpenAI({ baseURL: fake.server().baseURL, apiKey: API_KEY }).chat.completions.create(hello);
    await flushTraces();
    expect(onlyOpenAISpan(memory.traces).name).toBe('Completions');
  });

  it('patches the module user code imports under the tsx loader too', async () => {
    const script = join(import.meta.dirname, 'fixtures', 'autolog-under-tsx.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, fake.server().baseURL], { cwd: join(import.meta.dirname, '..', '..', '..') });
    expect(JSON.parse(stdout)).toEqual(['Completions', 'Embeddings']);
  });

  it('passes calls through untouched while tracing is disabled', async () => {
    autolog.openai();
    tracing.disable();
    const completion = await fake.client().chat.completions.create(hello);
    expect(completion.choices[0]?.message.content).toBe('echo: hello');
    tracing.enable();
    await flushTraces();
    expect(memory.traces).toHaveLength(0);
  });
});

describe('tracedOpenAI()', () => {
  it('leaves the client it wraps untouched and traces clients made by withOptions()', async () => {
    const client = fake.client();
    const traced = tracedOpenAI(client);
    expect(traced).toBeInstanceOf(OpenAI);
    expect(traced.chat.completions).toBe(traced.chat.completions);
    expect(traced.apiKey).toBe(API_KEY);
    await client.chat.completions.create(hello);
    await flushTraces();
    expect(memory.traces).toHaveLength(0);
    expect(client.chat.completions.create).toBe(originals.chat);
    expect(Object.hasOwn(client.chat.completions, 'create')).toBe(false);

    await traced.withOptions({ timeout: 5_000 }).chat.completions.create(hello);
    // Methods that are not traced still work through the view (they run on the real objects).
    const models = traced.models;
    expect(typeof models.list).toBe('function');
    await flushTraces();
    expect(onlyOpenAISpan(memory.traces).name).toBe('Completions');
  });
});
