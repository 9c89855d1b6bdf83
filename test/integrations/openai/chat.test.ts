import { BadRequestError } from 'openai';
import { describe, expect, it } from 'vitest';
import { flushTraces, SpanType, trace, withSpan } from '../../../src/index.js';
import { tracedOpenAI } from '../../../src/integrations/openai/index.js';
import { useMemoryTraces } from '../../support/memory-traces.js';
import { apiError, chatChunks, chatCompletion } from '../../support/openai-server.js';
import { onlyOpenAISpan, openAISpans, useFakeOpenAI } from './helpers.js';

const memory = useMemoryTraces();
const fake = useFakeOpenAI();

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('tracedOpenAI: chat completions', () => {
  it('records the request, the response, usage with cached tokens, the model and the format', async () => {
    fake.server().script('chat/completions', { json: chatCompletion({ content: 'Paris.', model: 'gpt-4o-mini-2024-07-18', usage: { prompt: 20, completion: 3, cached: 8 } }) });
    const client = tracedOpenAI(fake.client());
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Capital of France?' }], temperature: 0 };
    const completion = await client.chat.completions.create(request);
    expect(completion.choices[0]?.message.content).toBe('Paris.');
    await flushTraces();

    expect(memory.traces).toHaveLength(1);
    const span = onlyOpenAISpan(memory.traces);
    expect(span).toMatchObject({ name: 'Completions', type: SpanType.CHAT_MODEL, inputs: request, status: { code: 'STATUS_CODE_OK' }, parentSpanId: null });
    expect(span.outputs).toEqual(JSON.parse(JSON.stringify(completion)));
    expect(span.attributes).toMatchObject({
      'mlflow.chat.tokenUsage': { input_tokens: 20, output_tokens: 3, total_tokens: 23, cache_read_input_tokens: 8 },
      'mlflow.message.format': 'openai',
      'mlflow.llm.model': 'gpt-4o-mini',
      'mlflow.llm.provider': 'openai',
    });
    expect(span.attributes['mlflow.chat.tools']).toBeUndefined();
    expect(memory.traces[0]?.info.state).toBe('OK');
    expect(JSON.parse(memory.traces[0]?.info.traceMetadata['mlflow.trace.tokenUsage'] ?? '{}')).toMatchObject({ input_tokens: 20, output_tokens: 3, total_tokens: 23 });
  });

  it('records the tools sent and the tool calls returned', async () => {
    fake.server().script('chat/completions', { json: chatCompletion({ toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: '{"city":"Oslo"}' }] }) });
    const client = tracedOpenAI(fake.client());
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [weatherTool] });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.attributes['mlflow.chat.tools']).toEqual([weatherTool]);
    expect(span.outputs).toMatchObject({ choices: [{ message: { tool_calls: [{ id: 'call_w', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] } }] });
  });

  it('streams unchanged and records the assembled text, finish reason and usage from the last chunk', async () => {
    const events = chatChunks({ content: 'The capital of France is Paris.', pieces: 5, usage: { prompt: 12, completion: 7, cached: 0 } });
    fake.server().script('chat/completions', { sse: events }, { sse: events });
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Capital?' }], stream: true as const, stream_options: { include_usage: true } };
    const plainChunks: unknown[] = [];
    for await (const chunk of await fake.client().chat.completions.create(request)) plainChunks.push(chunk);

    const client = tracedOpenAI(fake.client());
    const stream = await client.chat.completions.create(request);
    const tracedChunks: unknown[] = [];
    for await (const chunk of stream) tracedChunks.push(chunk);
    expect(tracedChunks).toEqual(plainChunks);
    expect(tracedChunks).toHaveLength(events.length - 1);
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span.inputs).toEqual(request);
    expect(span.outputs).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'The capital of France is Paris.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    });
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 12, output_tokens: 7, total_tokens: 19, cache_read_input_tokens: 0 });
    expect(span.status.code).toBe('STATUS_CODE_OK');
    expect(span.events).toEqual([]);
  });

  it('assembles streamed tool-call deltas: ids, names and concatenated arguments, per call', async () => {
    fake.server().script('chat/completions', {
      sse: chatChunks({
        toolCalls: [
          { id: 'call_a', name: 'get_weather', arguments: '{"city": "Oslo", "unit": "celsius"}' },
          { id: 'call_b', name: 'get_weather', arguments: '{"city": "Lima"}' },
        ],
        pieces: 4,
      }),
    });
    const client = tracedOpenAI(fake.client());
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Oslo and Lima?' }], tools: [weatherTool], stream: true });
    let argumentDeltas = 0;
    for await (const chunk of stream) argumentDeltas += chunk.choices[0]?.delta.tool_calls?.filter((c) => c.function?.arguments).length ?? 0;
    expect(argumentDeltas).toBe(8);
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span.attributes['mlflow.chat.tools']).toEqual([weatherTool]);
    expect(span.outputs).toMatchObject({
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Oslo", "unit": "celsius"}' } },
              { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Lima"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
    expect(span.attributes['mlflow.chat.tokenUsage']).toBeUndefined();
  });

  it('traces parse() once, with the parsed content', async () => {
    fake.server().script('chat/completions', { json: chatCompletion({ content: '{"city":"Oslo"}' }) });
    const client = tracedOpenAI(fake.client());
    const responseFormat = { type: 'json_schema' as const, json_schema: { name: 'place', schema: { type: 'object', properties: { city: { type: 'string' } } } } };
    const parsed = await client.chat.completions.parse({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Where?' }], response_format: responseFormat });
    expect(parsed.choices[0]?.message.parsed).toEqual({ city: 'Oslo' });
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.outputs).toMatchObject({ choices: [{ message: { parsed: { city: 'Oslo' } } }] });
    expect(fake.server().requests).toHaveLength(1);
  });

  it('keeps withResponse() and asResponse() working', async () => {
    const client = tracedOpenAI(fake.client());
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    const { data, response, request_id } = await client.chat.completions.create(request).withResponse();
    expect(response.status).toBe(200);
    expect(request_id).toBeNull();
    expect(data.choices[0]?.message.content).toBe('echo: hi');

    const raw = await client.chat.completions.create(request).asResponse();
    const body = (await raw.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('echo: hi');
    await flushTraces();

    const [withResponseSpan, rawSpan] = openAISpans(memory.traces);
    expect(withResponseSpan?.outputs).toMatchObject({ choices: [{ message: { content: 'echo: hi' } }] });
    // The raw body belongs to the caller: the span ends without outputs rather than read it.
    expect(rawSpan).toMatchObject({ ended: true, outputs: undefined, status: { code: 'STATUS_CODE_OK' } });
  });

  it('records a 400 as an error and rethrows it unchanged', async () => {
    fake.server().script('chat/completions', apiError(400, "Invalid value for 'temperature': must be <= 2.", { param: 'temperature', code: 'invalid_value' }));
    const client = tracedOpenAI(fake.client());
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).status).toBe(400);
    expect((error as BadRequestError).param).toBe('temperature');
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span.status).toEqual({ code: 'STATUS_CODE_ERROR', message: "400 Invalid value for 'temperature': must be <= 2." });
    expect(span.outputs).toBeUndefined();
    expect(span.events).toHaveLength(1);
    expect(span.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'BadRequestError', 'exception.message': "400 Invalid value for 'temperature': must be <= 2." },
    });
    expect(memory.traces[0]?.info.state).toBe('ERROR');
  });

  it('makes one span of a 429 and the client’s own retry', async () => {
    fake.server().script('chat/completions', apiError(429, 'Rate limit reached', { headers: { 'retry-after-ms': '5', 'retry-after': '0' } }));
    const client = tracedOpenAI(fake.client({ maxRetries: 2 }));
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] });
    expect(completion.choices[0]?.message.content).toBe('echo: again');
    expect(fake.server().requestsTo('chat/completions')).toHaveLength(2);
    await flushTraces();

    expect(memory.traces).toHaveLength(1);
    const span = onlyOpenAISpan(memory.traces);
    expect(span.status.code).toBe('STATUS_CODE_OK');
    expect(span.events).toEqual([]);
    expect(span.outputs).toMatchObject({ choices: [{ message: { content: 'echo: again' } }] });
  });

  it('nests under the active span of a user trace()', async () => {
    const client = tracedOpenAI(fake.client());
    const answer = trace(async function answer(question: string) {
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] });
      return withSpan(() => completion.choices[0]?.message.content, { name: 'postprocess' });
    }, { spanType: SpanType.AGENT });
    expect(await answer('why?')).toBe('echo: why?');
    await flushTraces();

    expect(memory.traces).toHaveLength(1);
    const spans = memory.traces[0]?.data.spans ?? [];
    expect(spans.map((s) => s.name)).toEqual(['answer', 'Completions', 'postprocess']);
    const root = spans[0];
    const llm = onlyOpenAISpan(memory.traces);
    expect(llm.parentSpanId).toBe(root?.spanId);
    expect(llm.inputs).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'why?' }] });
    expect(memory.traces[0]?.info.traceMetadata['mlflow.trace.tokenUsage']).toBe('{"input_tokens":10,"output_tokens":5,"total_tokens":15}');
  });

  it('puts each of 50 concurrent calls in its own span, under the right parent', async () => {
    fake.server().setDefault('chat/completions', (request) => ({
      delayMs: Math.floor(Math.random() * 15),
      json: chatCompletion({ content: `answer to ${(request.body as { messages: { content: string }[] }).messages[0]?.content}` }),
    }));
    const client = tracedOpenAI(fake.client());
    const ask = trace(async function ask(n: number) {
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${n}` }] });
      return completion.choices[0]?.message.content;
    });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => ask(n)));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, n) => `answer to question ${n}`));
    await flushTraces();

    expect(memory.traces).toHaveLength(50);
    for (const t of memory.traces) {
      expect(t.data.spans).toHaveLength(2);
      const [root, child] = t.data.spans;
      const n = (JSON.parse(String(root?.attributes['mlflow.spanInputs'])) as { n: number }).n;
      const llm = onlyOpenAISpan([t]);
      expect(llm.parentSpanId).toBe(root?.spanId);
      expect(child?.spanId).toBe(llm.spanId);
      expect(llm.inputs).toMatchObject({ messages: [{ content: `question ${n}` }] });
      expect(llm.outputs).toMatchObject({ choices: [{ message: { content: `answer to question ${n}` } }] });
    }

    memory.traces.length = 0;
    await withSpan(
      () => Promise.all(Array.from({ length: 50 }, (_, n) => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `q${n}` }] }))),
      { name: 'batch' },
    );
    await flushTraces();
    expect(memory.traces).toHaveLength(1);
    const batch = memory.traces[0]?.data.spans.find((s) => s.name === 'batch');
    const children = openAISpans(memory.traces);
    expect(children).toHaveLength(50);
    expect(new Set(children.map((c) => c.parentSpanId))).toEqual(new Set([batch?.spanId]));
    expect(new Set(children.map((c) => (c.outputs as { choices: { message: { content: string } }[] }).choices[0]?.message.content))).toEqual(
      new Set(Array.from({ length: 50 }, (_, n) => `answer to q${n}`)),
    );
  });
});
