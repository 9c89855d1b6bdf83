import { afterEach } from 'vitest';
import { Trace } from '../../src/tracing/trace-entity.js';
import type { AssessmentRecord } from '../../src/store/assessment-entities.js';
import type { SpanRecord } from '../../src/store/trace-entities.js';
import { resetStructuredOutputMemory } from '../../judges/judge-call.js';
import type { JudgeCache } from '../../judges/types.js';
import type { FakeOpenAI } from '../support/openai-server.js';
import { useFakeOpenAI } from '../support/use-fake-openai.js';

/** A fake OpenAI server for the tests of one file, reset after each test; `connection()` points a judge at it. */
export function useJudgeServer(): { server: () => FakeOpenAI; connection: () => { baseURL: string; apiKey: string; maxRetries: number } } {
  const fake = useFakeOpenAI();
  afterEach(() => {
    fake.reset();
    resetStructuredOutputMemory();
  });
  return { server: () => fake, connection: () => ({ baseURL: fake.baseURL, apiKey: 'test-key', maxRetries: 1 }) };
}

export interface SpanSpec {
  id: string;
  parent?: string;
  name?: string;
  type?: string;
  inputs?: unknown;
  outputs?: unknown;
}

/** A finished trace with these spans (the first is the root) and assessments. */
export function makeTrace(spans: readonly SpanSpec[], assessments: Partial<AssessmentRecord>[] = []): Trace {
  const traceId = 'tr-0123456789abcdef0123456789abcdef';
  const records: SpanRecord[] = spans.map((span, i) => ({
    traceId,
    spanId: span.id.padStart(16, '0'),
    parentSpanId: span.parent === undefined ? null : span.parent.padStart(16, '0'),
    name: span.name ?? `span${i}`,
    startTimeUnixNano: 1_000_000n + BigInt(i),
    endTimeUnixNano: 2_000_000n + BigInt(i),
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: {
      'mlflow.spanType': JSON.stringify(span.type ?? 'CHAIN'),
      ...(span.inputs !== undefined && { 'mlflow.spanInputs': JSON.stringify(span.inputs) }),
      ...(span.outputs !== undefined && { 'mlflow.spanOutputs': JSON.stringify(span.outputs) }),
    },
    events: [],
    links: [],
  }));
  const fullAssessments = assessments.map((a, i) => ({
    assessmentId: `a-${i}`,
    traceId,
    spanId: null,
    name: 'expected_response',
    source: { sourceType: 'HUMAN' as const, sourceId: 'me' },
    createTimeMs: 1,
    lastUpdateTimeMs: 1,
    kind: 'expectation' as const,
    value: null,
    error: null,
    rationale: null,
    metadata: {},
    overrides: null,
    valid: true,
    ...a,
  }));
  return new Trace({
    info: {
      traceId,
      clientRequestId: null,
      experimentId: '0',
      requestTime: 1,
      executionDuration: 1,
      state: 'OK',
      requestPreview: null,
      responsePreview: null,
      traceMetadata: {},
      tags: {},
      assessments: fullAssessments,
    },
    data: { spans: records },
  });
}

/** A RAG trace: a root CHAIN span and one RETRIEVER span per list of documents. */
export function ragTrace(question: string, answer: string, ...retrievals: string[][]): Trace {
  return makeTrace([
    { id: '1', name: 'rag', inputs: { question }, outputs: answer },
    ...retrievals.map((docs, i) => ({
      id: String(10 + i),
      parent: '1',
      name: `retrieve${i}`,
      type: 'RETRIEVER',
      inputs: { query: question },
      outputs: docs.map((content, j) => ({ page_content: content, metadata: { doc_uri: `doc://${i}/${j}` } })),
    })),
  ]);
}

/** An in-memory JudgeCache that counts its hits. */
export function memoryCache(): JudgeCache & { entries: Map<string, string>; hits: number } {
  const entries = new Map<string, string>();
  const cache = {
    entries,
    hits: 0,
    get: async (key: string) => {
      const value = entries.get(key);
      if (value !== undefined) cache.hits += 1;
      return value;
    },
    set: async (key: string, value: string) => {
      entries.set(key, value);
    },
  };
  return cache;
}
