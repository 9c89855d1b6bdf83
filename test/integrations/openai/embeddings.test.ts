import { describe, expect, it } from 'vitest';
import { flushTraces, SpanType } from '../../../src/index.js';
import { tracedOpenAI } from '../../../src/integrations/openai/index.js';
import { useMemoryTraces } from '../../support/memory-traces.js';
import { embeddingFor } from '../../support/openai-server.js';
import { onlyOpenAISpan, useFakeOpenAI } from './helpers.js';

const memory = useMemoryTraces();
const fake = useFakeOpenAI();

describe('tracedOpenAI: embeddings', () => {
  it('records an EMBEDDING span with the request, the vectors and the usage', async () => {
    const client = tracedOpenAI(fake.client());
    const request = { model: 'text-embedding-3-small', input: ['the cat sat', 'on the mat'], dimensions: 4 };
    const result = await client.embeddings.create(request);
    // The SDK asks for base64 and decodes it: the user still gets numbers.
    expect(fake.server().requests[0]?.body).toMatchObject({ encoding_format: 'base64' });
    expect(result.data[0]?.embedding).toHaveLength(4);
    expect(result.data[0]?.embedding[0]).toBeCloseTo(embeddingFor('the cat sat', 4)[0] ?? Number.NaN, 4);
    await flushTraces();

    const span = onlyOpenAISpan(memory.traces);
    expect(span).toMatchObject({ name: 'Embeddings', type: SpanType.EMBEDDING, inputs: request, status: { code: 'STATUS_CODE_OK' } });
    const outputs = span.outputs as { data: { embedding: number[] }[] };
    expect(outputs.data.map((d) => d.embedding)).toEqual(result.data.map((d) => Array.from(d.embedding)));
    expect(span.attributes).toMatchObject({
      'mlflow.chat.tokenUsage': { input_tokens: 6, output_tokens: 0, total_tokens: 6 },
      'mlflow.llm.model': 'text-embedding-3-small',
      'mlflow.llm.provider': 'openai',
    });
  });
});
