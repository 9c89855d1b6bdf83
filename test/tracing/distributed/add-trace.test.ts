import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { setLogSink } from '../../../src/core/logger.js';
import {
  ErrorCode,
  EvalflowError,
  EvalflowSpanProcessor,
  flushTraces,
  SpanType,
  startSpan,
  trace,
  Trace,
  tracing,
  updateCurrentTrace,
  withSpan,
  type SpanRecord,
  type TraceRecord,
} from '../../../src/index.js';
import { addTrace } from '../../../src/tracing/add-trace.js';
import { spanNamed, useMemoryTraces } from '../../support/memory-traces.js';

const memory = useMemoryTraces();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const decode = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** Records the "remote" trace: a chain with a retriever, an LLM call with token usage and an event, a failing tool. */
async function recordRemoteTrace(): Promise<TraceRecord> {
  const retrieve = trace(async function retrieve(query: string) {
    await sleep(2);
    return [`doc about ${query}`];
  }, { spanType: SpanType.RETRIEVER });
  const failingTool = trace(function failingTool(_input: string): never {
    throw new TypeError('tool exploded');
  }, { spanType: SpanType.TOOL });
  await withSpan(async (root) => {
    updateCurrentTrace({ tags: { topic: 'cats', 'mlflow.remote': 'x' } });
    const docs = await retrieve('cats');
    await withSpan(async (llm) => {
      llm.setAttributes({ 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 5, total_tokens: 15 }, temperature: 0.2 });
      llm.setAttribute('custom.flag', true);
      llm.addEvent({ name: 'first-token', attributes: { index: 0, 'chunk.meta': { a: 1 } } });
      await sleep(1);
      return 'Cats purr.';
    }, { name: 'generate', spanType: SpanType.LLM, inputs: { docs } });
    try {
      failingTool('x');
    } catch {
      root.setAttribute('recovered', true);
    }
    return 'final answer';
  }, { name: 'remote-agent', spanType: SpanType.AGENT, inputs: { question: 'cats?' } });
  await flushTraces();
  const recorded = memory.traces.pop();
  if (!recorded) throw new Error('no remote trace recorded');
  memory.traces.length = 0;
  return recorded;
}

function captureLog<T>(fn: () => T): { result: T; lines: string[] } {
  const lines: string[] = [];
  const restore = setLogSink((level, message) => lines.push(`${level}: ${message}`));
  try {
    return { result: fn(), lines };
  } finally {
    restore();
  }
}

function expectInvalid(fn: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(EvalflowError);
  expect((thrown as EvalflowError).code).toBe(ErrorCode.INVALID_PARAMETER_VALUE);
  expect((thrown as EvalflowError).message).toMatch(message);
}

/** Checks that `grafted` is `source` re-created under `targetSpanId` in `into`, with new ids and remapped parents. */
function expectGrafted(source: TraceRecord, into: TraceRecord, targetSpanId: string, options: { exactTimes: boolean }): void {
  const sourceIds = new Set(source.data.spans.map((s) => s.spanId));
  const grafted = into.data.spans.filter((s) => s.name !== 'local' && s.name !== 'local-child');
  expect(grafted).toHaveLength(source.data.spans.length);
  const newIdOf = new Map<string, string>();
  for (const original of source.data.spans) {
    const copy = spanNamed({ ...into, data: { spans: grafted } }, original.name);
    newIdOf.set(original.spanId, copy.spanId);
  }
  for (const original of source.data.spans) {
    const copy = grafted.find((s) => s.spanId === newIdOf.get(original.spanId)) as SpanRecord;
    expect(sourceIds.has(copy.spanId)).toBe(false);
    expect(copy.traceId).toBe(into.info.traceId);
    expect(copy.parentSpanId).toBe(original.parentSpanId === null ? targetSpanId : newIdOf.get(original.parentSpanId));
    expect(copy.name).toBe(original.name);
    expect(copy.status).toEqual(original.status);
    const { 'mlflow.traceRequestId': oldId, ...originalAttributes } = original.attributes;
    const { 'mlflow.traceRequestId': newId, ...copyAttributes } = copy.attributes;
    expect(decode(oldId)).toBe(source.info.traceId);
    expect(decode(newId)).toBe(into.info.traceId);
    expect(copyAttributes).toEqual(originalAttributes);
    expect(copy.links).toEqual(original.links);
    if (options.exactTimes) {
      expect(copy.startTimeUnixNano).toBe(original.startTimeUnixNano);
      expect(copy.endTimeUnixNano).toBe(original.endTimeUnixNano);
      expect(copy.events).toEqual(original.events);
    } else {
      // The JSON form carries nanoseconds as JSON numbers (MLflow's wire form), exact to about 256 ns.
      expect(Number(copy.startTimeUnixNano)).toBe(Number(original.startTimeUnixNano));
      expect(Number(copy.endTimeUnixNano)).toBe(Number(original.endTimeUnixNano));
      expect(copy.events.map((e) => [e.name, Number(e.timeUnixNano), e.attributes])).toEqual(
        original.events.map((e) => [e.name, Number(e.timeUnixNano), e.attributes]),
      );
    }
  }
}

describe('addTrace', () => {
  it('grafts a finished trace under the active span: new ids, remapped parents, everything else kept', async () => {
    const remote = await recordRemoteTrace();
    expect(remote.data.spans.map((s) => s.name)).toEqual(['remote-agent', 'retrieve', 'generate', 'failingTool']);

    let localSpanId = '';
    await withSpan(async (local) => {
      localSpanId = local.spanId;
      await sleep(1);
      addTrace(new Trace(remote));
      withSpan(() => 'after', { name: 'local-child' });
      return 'done';
    }, { name: 'local', inputs: { q: 'cats?' } });
    await flushTraces();

    expect(memory.traces).toHaveLength(1);
    const [combined] = memory.traces;
    if (!combined) throw new Error('no trace');
    expect(combined.info.traceId).not.toBe(remote.info.traceId);
    expect(combined.data.spans).toHaveLength(1 + 4 + 1);
    expectGrafted(remote, combined, localSpanId, { exactTimes: true });

    const grafted = (name: string): SpanRecord => spanNamed(combined, name);
    expect(decode(grafted('remote-agent').attributes['mlflow.spanType'])).toBe('AGENT');
    expect(decode(grafted('remote-agent').attributes['mlflow.spanInputs'])).toEqual({ question: 'cats?' });
    expect(decode(grafted('remote-agent').attributes['mlflow.spanOutputs'])).toBe('final answer');
    expect(decode(grafted('retrieve').attributes['mlflow.spanOutputs'])).toEqual(['doc about cats']);
    expect(grafted('generate').attributes.temperature).toBe('0.2');
    expect(grafted('generate').events.map((e) => e.name)).toEqual(['first-token']);
    expect(grafted('failingTool').status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'tool exploded' });
    expect(grafted('failingTool').events[0]?.attributes['exception.type']).toBe('TypeError');
    // The local trace is still the local one: its root, its state and name; the token usage now counts the graft.
    expect(spanNamed(combined, 'local').parentSpanId).toBeNull();
    expect(spanNamed(combined, 'local-child').parentSpanId).toBe(localSpanId);
    expect(combined.info).toMatchObject({ state: 'OK', requestPreview: '{"q":"cats?"}', responsePreview: '"done"' });
    expect(combined.info.tags).toMatchObject({ 'mlflow.traceName': 'local', topic: 'cats' });
    expect(combined.info.tags['mlflow.remote']).toBeUndefined();
    expect(JSON.parse(combined.info.traceMetadata['mlflow.trace.tokenUsage'] ?? '{}')).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
  });

  it("takes MLflow's trace JSON (as sent over the wire) and a target span that is not active", async () => {
    const remote = await recordRemoteTrace();
    const wire = JSON.parse(JSON.stringify(new Trace(remote).toJSON())) as ReturnType<Trace['toJSON']>;
    let targetId = '';
    withSpan(() => {
      const target = startSpan({ name: 'local-child' });
      targetId = target.spanId;
      withSpan(() => addTrace(wire, target), { name: 'elsewhere' });
      target.end();
    }, { name: 'local' });
    await flushTraces();
    const [combined] = memory.traces;
    if (!combined) throw new Error('no trace');
    expect(combined.data.spans).toHaveLength(2 + 1 + 4);
    expectGrafted(remote, { ...combined, data: { spans: combined.data.spans.filter((s) => s.name !== 'elsewhere') } }, targetId, { exactTimes: false });
    // The JSON text works as well.
    memory.traces.length = 0;
    withSpan(() => addTrace(JSON.stringify(wire)), { name: 'local' });
    await flushTraces();
    expect(memory.traces[0]?.data.spans.map((s) => s.name).sort()).toEqual(['failingTool', 'generate', 'local', 'remote-agent', 'retrieve']);
  });

  it("reads MLflow JSON whose attributes were decoded (TypeScript SDK's toJson) and hex ids", async () => {
    const start = 1_700_000_000_000_000_000;
    const json = {
      info: { trace_id: 'tr-0123456789abcdef0123456789abcdef', state: 'OK' },
      data: {
        spans: [
          {
            trace_id: 'ASNFZ4mrze8BI0VniavN7w==',
            span_id: '0x00000000000000a1',
            parent_span_id: null,
            name: 'ts-root',
            start_time_unix_nano: start,
            end_time_unix_nano: start + 5_000_000,
            status: { code: 'OK' },
            attributes: { 'mlflow.spanType': 'CHAIN', 'mlflow.spanInputs': { query: 'q' }, plain: 'text', nested: { a: [1] } },
            events: [],
          },
          {
            span_id: Buffer.from('00000000000000a2', 'hex').toString('base64'),
            parent_span_id: Buffer.from('00000000000000a1', 'hex').toString('base64'),
            name: 'ts-child',
            start_time_unix_nano: String(start + 1_000_000),
            status: 'STATUS_CODE_ERROR',
            attributes: { 'mlflow.spanOutputs': 'plain text output' },
          },
        ],
      },
    };
    withSpan(() => addTrace(json), { name: 'local' });
    await flushTraces();
    const [combined] = memory.traces;
    const root = spanNamed(combined, 'ts-root');
    const child = spanNamed(combined, 'ts-child');
    expect(root.parentSpanId).toBe(spanNamed(combined, 'local').spanId);
    expect(child.parentSpanId).toBe(root.spanId);
    expect(root.attributes).toMatchObject({ 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': '{"query":"q"}', plain: 'text', nested: '{"a":[1]}' });
    expect(root.status).toEqual({ code: 'STATUS_CODE_OK', message: '' });
    expect(root.startTimeUnixNano).toBe(BigInt(start));
    expect(root.endTimeUnixNano).toBe(BigInt(start + 5_000_000));
    // A span that had not ended stays unfinished.
    expect(child.endTimeUnixNano).toBeNull();
    expect(child.status.code).toBe('STATUS_CODE_ERROR');
    expect(child.attributes['mlflow.spanOutputs']).toBe('"plain text output"');
  });

  it('warns and adds nothing with no target and no active span, or a target whose trace has finished', async () => {
    const remote = await recordRemoteTrace();
    const none = captureLog(() => addTrace(remote));
    expect(none.result).toBeUndefined();
    expect(none.lines).toEqual([expect.stringMatching(/^warn: addTrace found no active span and was given no target span/)]);

    const finished = withSpan((span) => span, { name: 'finished' });
    const late = captureLog(() => addTrace(remote, finished));
    expect(late.lines).toEqual([expect.stringMatching(/^warn: addTrace: the target span "finished" is not part of a trace in progress/)]);
    await flushTraces();
    expect(memory.traces.map((t) => t.data.spans.length)).toEqual([1]);

    // Tracing disabled: nothing, silently.
    tracing.disable();
    const off = captureLog(() => withSpan(() => addTrace(remote), { name: 'off' }));
    expect(off.lines).toEqual([]);
  });

  it('rejects what is not a finished trace, and a target that is not a span', async () => {
    const remote = await recordRemoteTrace();
    const root = remote.data.spans[0] as SpanRecord;
    const child = remote.data.spans[1] as SpanRecord;
    const withSpans = (spans: unknown[]): unknown => ({ info: remote.info, data: { spans } });
    const cases: [unknown, RegExp][] = [
      [null, /expected a Trace, a trace record or MLflow trace JSON/],
      [42, /expected a Trace/],
      [{ info: {} }, /expected a Trace/],
      [{ data: { spans: 'none' } }, /expected a Trace/],
      ['{not json', /the trace text is not JSON/],
      [{ ...remote, info: { ...remote.info, state: 'IN_PROGRESS' } }, /still in progress/],
      [withSpans([42]), /span 0 is not an object/],
      [withSpans([{ ...root, spanId: 'xyz' }]), /span 0 \("remote-agent"\): the span id is not 16 hex digits/],
      [withSpans([{ ...root, name: undefined }]), /span 0: the span has no name/],
      [withSpans([{ ...root, startTimeUnixNano: -1n }]), /the start time is not a time in nanoseconds/],
      [withSpans([{ ...root, endTimeUnixNano: 'soon' }]), /the end time is not a time/],
      [withSpans([{ ...root, status: 7 }]), /the status is not \{ code, message \}/],
      [withSpans([{ ...root, events: [{ name: 'e' }] }]), /event "e" has no time/],
      [withSpans([{ ...root, parentSpanId: 'nope' }]), /the parent span id is not a span id/],
      [withSpans([root, { ...child, spanId: root.spanId }]), /two spans have the id/],
      [withSpans([{ ...root, parentSpanId: child.spanId }, { ...child, parentSpanId: root.spanId }]), /form a cycle/],
      [{ info: {}, data: { spans: [{ span_id: 'AAAA', name: 'x', start_time_unix_nano: 1 }] } }, /base64 of 8 bytes/],
    ];
    for (const [input, message] of cases) {
      expectInvalid(() => withSpan(() => addTrace(input as TraceRecord), { name: 'local' }), message);
    }
    expectInvalid(() => addTrace(remote, { spanId: 'x' } as never), /target must be a LiveSpan/);
    await flushTraces();
    // Nothing was grafted by the rejected calls.
    for (const t of memory.traces) expect(t.data.spans.map((s) => s.name)).toEqual(['local']);
  });

  it('re-creates the spans as OpenTelemetry spans, so the other processors of the provider get them too', async () => {
    const remote = await recordRemoteTrace();
    const otherExporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new EvalflowSpanProcessor(), new SimpleSpanProcessor(otherExporter)] });
    tracing.configure({ tracerProvider: provider });
    try {
      withSpan(() => addTrace(remote), { name: 'local' });
      await flushTraces();
    } finally {
      tracing.configure({ tracerProvider: undefined });
    }
    const combined = memory.traces[0];
    const exported = otherExporter.getFinishedSpans();
    expect(exported.map((s) => s.name).sort()).toEqual(['failingTool', 'generate', 'local', 'remote-agent', 'retrieve']);
    for (const span of combined?.data.spans ?? []) {
      const otel = exported.find((s) => s.spanContext().spanId === span.spanId);
      expect(otel?.parentSpanContext?.spanId ?? null).toBe(span.parentSpanId);
      expect(`tr-${otel?.spanContext().traceId}`).toBe(combined?.info.traceId);
      expect(BigInt(otel?.startTime[0] ?? 0) * 1_000_000_000n + BigInt(otel?.startTime[1] ?? 0)).toBe(span.startTimeUnixNano);
    }
    const tool = exported.find((s) => s.name === 'failingTool');
    expect(tool?.status).toEqual({ code: 2, message: 'tool exploded' });
    expect(tool?.events.map((e) => e.name)).toEqual(['exception']);
  });
});
