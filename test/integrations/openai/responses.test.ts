import { describe, expect, it } from 'vitest';
import { flushTraces, SpanType } from '../../../src/index.js';
import { tracedOpenAI } from '../../../src/integrations/openai/index.js';
import { useMemoryTraces } from '../../support/memory-traces.js';
import { responseEvents, responseObject } from '../../support/openai-server.js';
import { onlyOpenAISpan, useFakeOpenAI } from './helpers.js';

const memory = useMemoryTraces();
const fake = useFakeOpenAI();

const lookupTool = { type: 'function' as const, name: 'lookup', description: 'Looks a word up', parameters: { type: 'object', properties: { word: { type: 'string' } } }, strict: true };

describe('tracedOpenAI: Responses API', () => {
  it('records a plain call: request, response with output_text, usage, tools in chat form', async () => {
    fake.server().script('responses', { json: responseObject({ text: 'Bonjour.', usage: { prompt: 30, completion: 4, cached: 16 } }) });
    const client = tracedOpenAI(fake.client());
    const request = { model: 'gpt-4.1-mini', input: 'Say hello in French', tools: [lookupTool, { type: 'web_search' as const }] };
    const response = await client.responses.create(request);
    expect(response.output_text).toBe('Bonjour.');
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span).toMatchObject({ name: 'Responses', type: SpanType.CHAT_MODEL, inputs: request, status: { code: 'STATUS_CODE_OK' } });
    expect(span.outputs).toMatchObject({ object: 'response', status: 'completed', output_text: 'Bonjour.', output: [{ type: 'message', content: [{ text: 'Bonjour.' }] }] });
    expect(span.attributes).toMatchObject({
      'mlflow.chat.tokenUsage': { input_tokens: 30, output_tokens: 4, total_tokens: 34, cache_read_input_tokens: 16 },
      'mlflow.message.format': 'openai',
      'mlflow.llm.model': 'gpt-4.1-mini',
      'mlflow.chat.tools': [
        { type: 'function', function: { name: 'lookup', description: 'Looks a word up', parameters: lookupTool.parameters, strict: true } },
        { type: 'web_search' },
      ],
    });
  });

  it('streams unchanged and records the completed response and its usage', async () => {
    const events = responseEvents({ text: 'Streaming works fine.', pieces: 4, usage: { prompt: 9, completion: 4 } });
    fake.server().script('responses', { sse: events });
    const client = tracedOpenAI(fake.client());
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Stream please', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('Streaming works fine.');
    expect(types).toEqual(events.map((e) => (e as { type: string }).type));
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span.inputs).toEqual({ model: 'gpt-4.1-mini', input: 'Stream please', stream: true });
    expect(span.outputs).toMatchObject({ status: 'completed', output_text: 'Streaming works fine.', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Streaming works fine.' }] }] });
    expect(span.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 9, output_tokens: 4, total_tokens: 13, cache_read_input_tokens: 0 });
    expect(span.status.code).toBe('STATUS_CODE_OK');
  });

  it('assembles a stream cut short from its deltas: text and function-call arguments', async () => {
    const events = responseEvents({ text: 'Let me look that up.', functionCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"word":"ephemeral"}' }], pieces: 3 });
    fake.server().script('responses', { sse: events });
    const client = tracedOpenAI(fake.client());
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Define ephemeral', tools: [lookupTool], stream: true });
    let argumentDeltas = 0;
    for await (const event of stream) {
      // Stop after the second argument delta: no output_item.done or response.completed for the call yet.
      if (event.type === 'response.function_call_arguments.delta' && ++argumentDeltas === 2) break;
    }
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span.outputs).toMatchObject({
      status: 'in_progress',
      output_text: 'Let me look that up.',
      output: [
        { type: 'message', content: [{ type: 'output_text', text: 'Let me look that up.' }] },
        { type: 'function_call', name: 'lookup', call_id: 'call_1', arguments: '{"word":"ephem' },
      ],
    });
    expect(span.events).toMatchObject([{ name: 'interrupted', attributes: { reason: 'break' } }]);
  });

  it('marks a stream whose response failed as an error', async () => {
    const created = responseEvents({ text: 'x' })[0] as { response: Record<string, unknown> };
    fake.server().script('responses', {
      sse: [created, { type: 'response.failed', sequence_number: 1, response: { ...created.response, status: 'failed', error: { code: 'server_error', message: 'The model crashed' } } }],
    });
    const client = tracedOpenAI(fake.client());
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'x', stream: true });
    let count = 0;
    for await (const _ of stream) count += 1;
    expect(count).toBe(2);
    await flushTraces();
    const span = onlyOpenAISpan(memory.traces);
    expect(span.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'The model crashed' });
    expect(span.outputs).toMatchObject({ status: 'failed' });
  });
});
