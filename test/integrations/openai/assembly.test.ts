import { describe, expect, it } from 'vitest';
import { chatTool, requestAttributes } from '../../../src/integrations/openai/attributes.js';
import { ChatStreamAccumulator } from '../../../src/integrations/openai/chat-stream.js';
import { ResponsesStreamAccumulator } from '../../../src/integrations/openai/responses-stream.js';
import { normaliseUsage } from '../../../src/integrations/openai/usage.js';

describe('usage normalisation', () => {
  it('reads Chat Completions, Responses and Embeddings usage', () => {
    expect(normaliseUsage({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 })).toEqual({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(normaliseUsage({ prompt_tokens: 7, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } })).toEqual({
      input_tokens: 7,
      output_tokens: 3,
      total_tokens: 10,
      cache_read_input_tokens: 4,
    });
    expect(normaliseUsage({ input_tokens: 5, output_tokens: 2, total_tokens: 7, input_tokens_details: { cached_tokens: 0 } })).toEqual({
      input_tokens: 5,
      output_tokens: 2,
      total_tokens: 7,
      cache_read_input_tokens: 0,
    });
    expect(normaliseUsage({ prompt_tokens: 6, total_tokens: 6 })).toEqual({ input_tokens: 6, output_tokens: 0, total_tokens: 6 });
    expect(normaliseUsage(null)).toBeUndefined();
    expect(normaliseUsage({})).toBeUndefined();
    expect(normaliseUsage({ prompt_tokens: 'many' })).toBeUndefined();
  });
});

describe('request attributes', () => {
  it('names the format, provider and model, and lists tools in chat form', () => {
    expect(requestAttributes({ model: 'gpt-4o', messages: [] })).toEqual({
      'mlflow.message.format': 'openai',
      'mlflow.llm.provider': 'openai',
      'mlflow.llm.model': 'gpt-4o',
    });
    expect(requestAttributes({ model: 'm', tools: [] })['mlflow.chat.tools']).toBeUndefined();
    expect(requestAttributes(undefined)).toEqual({ 'mlflow.message.format': 'openai', 'mlflow.llm.provider': 'openai' });
    const chat = { type: 'function', function: { name: 'f', parameters: {} } };
    expect(chatTool(chat)).toBe(chat);
    expect(chatTool({ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true })).toEqual({
      type: 'function',
      function: { name: 'f', parameters: { type: 'object' }, strict: true },
    });
    expect(chatTool({ type: 'file_search', vector_store_ids: ['v'] })).toEqual({ type: 'file_search', vector_store_ids: ['v'] });
  });
});

describe('chat stream assembly', () => {
  it('keeps choices apart, with refusals, and ignores what is not a chunk', () => {
    const acc = new ChatStreamAccumulator();
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra });
    acc.add(chunk([{ index: 1, delta: { role: 'assistant', content: '' } }, { index: 0, delta: { role: 'assistant', content: 'Hel' } }]));
    acc.add(null);
    acc.add('[DONE]');
    acc.add(chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }, { index: 1, delta: { refusal: 'I cannot' }, finish_reason: 'stop' }]));
    acc.add(chunk([], { usage: { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 } }));
    expect(acc.outputs()).toEqual({
      id: 'c1',
      created: 1,
      model: 'm',
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: '', refusal: 'I cannot' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 },
    });
    expect(acc.usage()).toEqual({ input_tokens: 2, output_tokens: 4, total_tokens: 6 });
  });

  it('gives an empty completion when nothing arrived', () => {
    const acc = new ChatStreamAccumulator();
    expect(acc.outputs()).toEqual({ object: 'chat.completion', choices: [] });
    expect(acc.usage()).toBeUndefined();
  });
});

describe('responses stream assembly', () => {
  it('reports an error event', () => {
    const acc = new ResponsesStreamAccumulator();
    acc.add({ type: 'response.created', response: { id: 'r', status: 'in_progress', output: [] } });
    acc.add({ type: 'error', code: 'rate_limit', message: 'Too many tokens' });
    expect(acc.error()).toBe('Too many tokens');
    expect(acc.outputs()).toEqual({ id: 'r', status: 'in_progress', output: [], output_text: '' });
  });
});
