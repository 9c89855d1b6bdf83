import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { APIUserAbortError, type OpenAI } from 'openai';
import { Stream } from 'openai/core/streaming';
import { describe, expect, it } from 'vitest';
import { flushTraces, getLastActiveTraceId, tracing, withSpan, type LiveSpan } from '../../../src/index.js';
import { tracedOpenAI } from '../../../src/integrations/openai/index.js';
import { useMemoryTraces } from '../../support/memory-traces.js';
import { chatChunks } from '../../support/openai-server.js';
import { onlyOpenAISpan, openAISpans, sleep, until, useFakeOpenAI } from './helpers.js';

const memory = useMemoryTraces();
const fake = useFakeOpenAI();

const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Count to six' }], stream: true as const };
/** Six text chunks after the role chunk; the server sends the role chunk and three of them, then goes quiet. */
const hangingStream = () => ({ sse: chatChunks({ content: 'one two six ten red fox ', pieces: 6 }), cut: { after: 4, mode: 'hang' as const } });
const contentOf = (outputs: unknown): unknown => (outputs as { choices: { message: { content: unknown } }[] }).choices[0]?.message.content;

describe('tracedOpenAI: streams that stop early or are never read', () => {
  it('ends the span with the text so far when the stream is aborted half-way', async () => {
    fake.server().script('chat/completions', hangingStream());
    const client = tracedOpenAI(fake.client());
    const stream = await client.chat.completions.create(request);
    const seen: string[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]?.delta.content ?? '');
      if (seen.length === 3) stream.controller.abort();
    }
    // Chunks already received when abort() is called are still delivered; nothing after them.
    expect(seen.join('')).toMatch(/^one two (six )?$/);
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span.ended).toBe(true);
    expect(contentOf(span.outputs)).toBe(seen.join(''));
    expect(span.status.code).toBe('STATUS_CODE_OK');
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'abort' } }]);
  });

  it('ends the span when the request’s own AbortSignal fires mid-stream', async () => {
    fake.server().script('chat/completions', hangingStream());
    const client = tracedOpenAI(fake.client());
    const abort = new AbortController();
    const stream = await client.chat.completions.create(request, { signal: abort.signal });
    const reading = (async () => {
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    })();
    await until(() => fake.server().requests.length === 1);
    await sleep(20);
    abort.abort();
    expect(await reading).toBe('one two six ');
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(contentOf(span.outputs)).toBe('one two six ');
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'abort' } }]);
  });

  it('records an abort before the response as an error', async () => {
    fake.server().script('chat/completions', { ...hangingStream(), delayMs: 5_000 });
    const client = tracedOpenAI(fake.client());
    const abort = new AbortController();
    const pending = client.chat.completions.create(request, { signal: abort.signal });
    await until(() => fake.server().requests.length === 1);
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.status.code).toBe('STATUS_CODE_ERROR');
    expect(span.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'APIUserAbortError' } });
  });

  it('ends the span when the reader breaks off', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'one two six ten red fox ', pieces: 6 }) });
    const client = tracedOpenAI(fake.client());
    let text = '';
    for await (const chunk of await client.chat.completions.create(request)) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === 'one two ') break;
    }
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(contentOf(span.outputs)).toBe('one two ');
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'break' } }]);
  });

  it('ends a stream never read when its abort signal fires', async () => {
    fake.server().script('chat/completions', hangingStream());
    const client = tracedOpenAI(fake.client());
    const stream = await client.chat.completions.create(request);
    await sleep(10);
    expect(memory.traces).toHaveLength(0);
    stream.controller.abort();
    await until(() => memory.traces.length === 1);
    const span = onlyOpenAISpan(memory.traces);
    expect(span.ended).toBe(true);
    expect(span.outputs).toMatchObject({ object: 'chat.completion', choices: [] });
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'abort' } }]);
  });

  it('ends a stream never read when the enclosing trace ends', async () => {
    fake.server().script('chat/completions', hangingStream());
    const client = tracedOpenAI(fake.client());
    const stream = await withSpan(() => client.chat.completions.create(request), { name: 'agent' });
    await flushTraces();
    expect(memory.traces).toHaveLength(1);
    const span = onlyOpenAISpan(memory.traces);
    expect(span.ended).toBe(true);
    expect(span.parentSpanId).toBe(memory.traces[0]?.data.spans[0]?.spanId);
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'trace_ended' } }]);
    // Reading it afterwards still works and changes nothing recorded.
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === 'one two six ') stream.controller.abort();
    }
    expect(text).toBe('one two six ');
    await flushTraces();
    expect(memory.traces).toHaveLength(1);
  });

  it('ends a stream never read when it is garbage-collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    fake.server().script('chat/completions', hangingStream());
    const client = tracedOpenAI(fake.client());
    let stream: Stream<unknown> | undefined = await client.chat.completions.create(request);
    const controller = stream.controller;
    stream = undefined;
    for (let i = 0; i < 50 && memory.traces.length === 0; i += 1) {
      gc();
      await sleep(10);
      await flushTraces();
    }
    controller.abort();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'garbage_collected' } }]);
  });

  it('records a stream read whole when reading starts turns after it was handed over (through tee())', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'read later by one half', pieces: 4 }), eventDelayMs: 5 });
    const client = tracedOpenAI(fake.client());
    const stream = await client.chat.completions.create(request);
    // Unread for a while: its signal and its collection are watched meanwhile, until reading starts.
    await sleep(10);
    expect(memory.traces).toHaveLength(0);
    const [left] = stream.tee();
    let text = '';
    for await (const chunk of left) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('read later by one half');
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(contentOf(span.outputs)).toBe('read later by one half');
    expect(span.events).toEqual([]);
  });

  it('records an abort between two steps of a reader as an abort, at its next step', async () => {
    fake.server().script('chat/completions', hangingStream());
    const client = tracedOpenAI(fake.client());
    const stream = await client.chat.completions.create(request);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    stream.controller.abort();
    await sleep(10);
    // Nobody listens to the signal while the stream is read: the reader's next steps report the abort (after the
    // chunks that had already arrived).
    expect(memory.traces).toHaveLength(0);
    let text = '';
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) text += step.value.choices[0]?.delta.content ?? '';
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.ended).toBe(true);
    expect(contentOf(span.outputs)).toBe(text);
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'abort' } }]);
  });

  it('keeps withResponse() and asResponse() working for a stream', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'with the response' }) }, { sse: chatChunks({ content: 'raw bytes', pieces: 1 }) });
    const client = tracedOpenAI(fake.client());
    const { data: stream, response } = await client.chat.completions.create(request).withResponse();
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('with the response');

    const raw = await client.chat.completions.create(request).asResponse();
    expect(await raw.text()).toContain('raw bytes');
    await flushTraces();
    const [read, rawSpan] = openAISpans(memory.traces);
    expect(contentOf(read?.outputs)).toBe('with the response');
    // The raw body belongs to the caller: the span ends without outputs rather than read it.
    expect(rawSpan).toMatchObject({ ended: true, outputs: undefined, status: { code: 'STATUS_CODE_OK' } });
  });

  it('records the streams of a client whose promises keep their parse step out of reach (through a second APIPromise)', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'parsed elsewhere', pieces: 3 }) });
    const raw = fake.client();
    const create = raw.chat.completions.create.bind(raw.chat.completions);
    // The parse step moved from the promise to its prototype, as an SDK keeping it private would have it.
    raw.chat.completions.create = ((body: never, options?: never) => {
      const promise = create(body, options) as unknown as { parseResponse: unknown };
      const parse = promise.parseResponse;
      delete (promise as Partial<typeof promise>).parseResponse;
      Object.setPrototypeOf(promise, Object.create(Object.getPrototypeOf(promise) as object, { parseResponse: { get: () => parse } }));
      return promise;
    }) as unknown as typeof raw.chat.completions.create;
    const client = tracedOpenAI(raw);
    let text = '';
    for await (const chunk of await client.chat.completions.create(request)) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('parsed elsewhere');
    await flushTraces();
    expect(contentOf(onlyOpenAISpan(memory.traces).outputs)).toBe('parsed elsewhere');
  });

  it('ends the span when the stream was read to its end, though it records it a turn later', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'done reading' }) });
    const client = tracedOpenAI(fake.client());
    let text = '';
    for await (const chunk of await client.chat.completions.create(request)) text += chunk.choices[0]?.delta.content ?? '';
    const readEnd = BigInt(Date.now() + 1) * 1_000_000n;
    // The trace is the last finished one already (its end is recorded on the next turn).
    const lastTraceId = getLastActiveTraceId();
    await sleep(30);
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(memory.traces[0]?.info.traceId).toBe(lastTraceId);
    expect(contentOf(span.outputs)).toBe(text);
    expect(span.record.endTimeUnixNano).not.toBeNull();
    expect(span.record.endTimeUnixNano as bigint).toBeLessThanOrEqual(readEnd);
  });

  it('ends a stream read to its end inside a span that ends right after as completed, not as cut by its trace', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'read inside a span' }) });
    const client = tracedOpenAI(fake.client());
    const text = await withSpan(
      async () => {
        let read = '';
        for await (const chunk of await client.chat.completions.create(request)) read += chunk.choices[0]?.delta.content ?? '';
        return read;
      },
      { name: 'agent' },
    );
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(contentOf(span.outputs)).toBe(text);
    expect(span.status.code).toBe('STATUS_CODE_OK');
    expect(span.events).toEqual([]);
    const root = memory.traces[0]?.data.spans.find((s) => s.name === 'agent');
    expect(span.record.endTimeUnixNano as bigint).toBeLessThanOrEqual(root?.endTimeUnixNano as bigint);
  });

  it('applies the span processors of the scope a stream was read in, though its span is recorded a turn later', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'secret 1234' }) }, { sse: chatChunks({ content: 'open text' }) });
    const client = tracedOpenAI(fake.client());
    const read = async (): Promise<string> => {
      let text = '';
      for await (const chunk of await client.chat.completions.create(request)) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    const redact = (span: LiveSpan): void => {
      span.setOutputs('[redacted]');
    };
    expect(await tracing.configure({ spanProcessors: [redact] }, read)).toBe('secret 1234');
    // Flushed outside the scope, before the turn on which the stream's span would be recorded.
    await flushTraces();
    expect(await read()).toBe('open text');
    await flushTraces();
    const [scoped, unscoped] = openAISpans(memory.traces);
    expect(scoped?.outputs).toBe('[redacted]');
    expect(contentOf(unscoped?.outputs)).toBe('open text');
  });

  it('records the whole stream read through toReadableStream()', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'via a web stream', usage: { prompt: 3, completion: 4 } }) });
    const client = tracedOpenAI(fake.client());
    const stream = await client.chat.completions.create({ ...request, stream_options: { include_usage: true } });
    expect(stream).toBeInstanceOf(Stream);
    const readable = stream.toReadableStream();
    let text = '';
    for await (const chunk of Stream.fromReadableStream<OpenAI.ChatCompletionChunk>(readable, new AbortController())) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('via a web stream');
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(contentOf(span.outputs)).toBe('via a web stream');
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 3, output_tokens: 4, total_tokens: 7 });
  });

  it('records one span for a tee()d stream, both halves read in full', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'shared by two readers', pieces: 4 }) });
    const client = tracedOpenAI(fake.client());
    const [left, right] = (await client.chat.completions.create(request)).tee();
    const read = async (s: typeof left): Promise<string> => {
      let text = '';
      for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    expect(await Promise.all([read(left), read(right)])).toEqual(['shared by two readers', 'shared by two readers']);
    await flushTraces();
    expect(contentOf(onlyOpenAISpan(memory.traces).outputs)).toBe('shared by two readers');
  });

  it('records a connection lost mid-stream as an error, with the text so far', async () => {
    fake.server().script('chat/completions', { sse: chatChunks({ content: 'one two six ten red fox ', pieces: 6 }), cut: { after: 3, mode: 'destroy' } });
    const client = tracedOpenAI(fake.client());
    let text = '';
    const error = await (async () => {
      for await (const chunk of await client.chat.completions.create(request)) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(text).toBe('one two ');
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.status.code).toBe('STATUS_CODE_ERROR');
    expect(contentOf(span.outputs)).toBe('one two ');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('records an error event inside the stream as an error', async () => {
    const chunks = chatChunks({ content: 'partial answer', pieces: 2 });
    fake.server().script('chat/completions', { sse: [...chunks.slice(0, 2), { error: { message: 'The server is overloaded', type: 'server_error' } }] });
    const client = tracedOpenAI(fake.client());
    const error = await (async () => {
      for await (const _ of await client.chat.completions.create(request)) {
        // read on
      }
    })().catch((e: unknown) => e);
    expect(String(error)).toContain('The server is overloaded');
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.status).toMatchObject({ code: 'STATUS_CODE_ERROR', message: expect.stringContaining('The server is overloaded') });
    expect(span.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'APIError' } });
  });
});
