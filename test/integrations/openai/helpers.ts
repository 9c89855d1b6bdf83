import OpenAI from 'openai';
import { beforeEach } from 'vitest';
import type { TraceRecord } from '../../../src/index.js';
import type { FakeOpenAI } from '../../support/openai-server.js';
import { useFakeOpenAI as useFakeServer } from '../../support/use-fake-openai.js';

export const API_KEY = 'sk-evalflow-test-0123456789abcdef';

/** One local OpenAI-compatible server for the tests of a file; scripts and the request log are reset before each. */
export function useFakeOpenAI(): { server: () => FakeOpenAI; client: (options?: ConstructorParameters<typeof OpenAI>[0]) => OpenAI } {
  const fake = useFakeServer();
  beforeEach(() => fake.reset());
  return {
    server: () => fake,
    client: (options = {}) => new OpenAI({ baseURL: fake.baseURL, apiKey: API_KEY, maxRetries: 0, timeout: 10_000, ...options }),
  };
}

type SpanRecord = TraceRecord['data']['spans'][number];

const decode = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/** A span with its attributes JSON-decoded, for assertions. */
export interface DecodedSpan {
  record: SpanRecord;
  name: string;
  type: unknown;
  inputs: unknown;
  outputs: unknown;
  attributes: Record<string, unknown>;
  status: SpanRecord['status'];
  events: SpanRecord['events'];
  parentSpanId: string | null;
  spanId: string;
  ended: boolean;
}

export function decodeSpan(record: SpanRecord): DecodedSpan {
  const attributes = Object.fromEntries(Object.entries(record.attributes).map(([k, v]) => [k, decode(v)]));
  return {
    record,
    name: record.name,
    type: attributes['mlflow.spanType'],
    inputs: attributes['mlflow.spanInputs'],
    outputs: attributes['mlflow.spanOutputs'],
    attributes,
    status: record.status,
    events: record.events,
    parentSpanId: record.parentSpanId,
    spanId: record.spanId,
    ended: record.endTimeUnixNano !== null,
  };
}

/** The OpenAI spans (named after the resource classes) of every trace, decoded. */
export function openAISpans(traces: TraceRecord[]): DecodedSpan[] {
  return traces.flatMap((t) => t.data.spans).filter((s) => ['Completions', 'Responses', 'Embeddings'].includes(s.name)).map(decodeSpan);
}

/** The single OpenAI span of the traces; throws when there is not exactly one. */
export function onlyOpenAISpan(traces: TraceRecord[]): DecodedSpan {
  const spans = openAISpans(traces);
  if (spans.length !== 1) throw new Error(`expected one OpenAI span, got ${spans.length}`);
  return spans[0] as DecodedSpan;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true (spans of streams end asynchronously, e.g. on an abort). */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for a condition');
    await sleep(5);
  }
}
