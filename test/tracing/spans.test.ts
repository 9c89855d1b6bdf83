import { describe, expect, it } from 'vitest';
import {
  flushTraces,
  getCurrentActiveSpan,
  getLastActiveTraceId,
  SpanType,
  startSpan,
  trace,
  withSpan,
} from '../../src/index.js';
import { spanNamed, useMemoryTraces } from '../support/memory-traces.js';

const memory = useMemoryTraces();
const decode = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('trace() and withSpan()', () => {
  it('times spans below the millisecond on one clock, so children lie within their parent', async () => {
    const busy = (): void => {
      const until = performance.now() + 0.3;
      while (performance.now() < until);
    };
    const outer = trace(function outer() {
      for (let i = 0; i < 5; i += 1) withSpan(busy, { name: `inner-${i}` });
    });
    outer();
    await flushTraces();
    const [t] = memory.traces;
    const root = spanNamed(t, 'outer');
    const children = t?.data.spans.filter((span) => span.parentSpanId === root.spanId) ?? [];
    expect(children).toHaveLength(5);
    for (const child of children) {
      expect(child.startTimeUnixNano >= root.startTimeUnixNano).toBe(true);
      expect((child.endTimeUnixNano ?? 0n) <= (root.endTimeUnixNano ?? 0n)).toBe(true);
    }
    // Five starts about 0.3 ms apart cannot all fall on whole milliseconds (OpenTelemetry's default start time does).
    expect(children.some((child) => child.startTimeUnixNano % 1_000_000n !== 0n)).toBe(true);
  });

  it('records inputs by parameter name, outputs, type and nesting across await, Promise.all and timers', async () => {
    const retrieve = trace(async function retrieve(query: string) {
      await sleep(2);
      return [`doc about ${query}`];
    }, { spanType: SpanType.RETRIEVER });
    const answer = trace(async function answer(question: string, topK = 2) {
      const [a, b] = await Promise.all([retrieve(question), retrieve(`${question}?`)]);
      const late = await new Promise<string>((resolve) =>
        setTimeout(() => resolve(withSpan(() => 'from a timer', { name: 'timer-step' })), 1),
      );
      return { docs: [...(a ?? []), ...(b ?? [])].slice(0, topK), late };
    }, { spanType: SpanType.CHAIN });

    const result = await answer('cats', 3);
    expect(result.late).toBe('from a timer');
    await flushTraces();
    expect(memory.traces).toHaveLength(1);
    const [t] = memory.traces;
    const root = spanNamed(t, 'answer');
    expect(root.parentSpanId).toBeNull();
    expect(decode(root.attributes['mlflow.spanInputs'])).toEqual({ question: 'cats', topK: 3 });
    expect(decode(root.attributes['mlflow.spanOutputs'])).toEqual(result);
    expect(decode(root.attributes['mlflow.spanType'])).toBe('CHAIN');
    const children = t?.data.spans.filter((s) => s.parentSpanId === root.spanId).map((s) => s.name).sort();
    expect(children).toEqual(['retrieve', 'retrieve', 'timer-step']);
    for (const span of t?.data.spans ?? []) {
      expect(span.traceId).toBe(t?.info.traceId);
      expect(decode(span.attributes['mlflow.traceRequestId'])).toBe(t?.info.traceId);
      expect(span.status.code).toBe('STATUS_CODE_OK');
      expect(span.endTimeUnixNano).not.toBeNull();
    }
    expect(t?.info).toMatchObject({ state: 'OK', requestPreview: '{"question":"cats","topK":3}' });
    expect(t?.info.traceId).toMatch(/^tr-[0-9a-f]{32}$/);
    expect(t?.info.tags['mlflow.traceName']).toBe('answer');
    expect(t?.info.traceMetadata['mlflow.trace_schema.version']).toBe('3');
    expect(t?.info.executionDuration).toBeGreaterThanOrEqual(2);
    expect(getLastActiveTraceId()).toBe(t?.info.traceId);
  });

  it('keeps 200 concurrent traces apart', async () => {
    // The body calls the traced `step`, so every level is a span.
    const step = trace(async function stepOnce(id: number, depth: number): Promise<number> {
      await sleep(Math.random() * 3);
      return depth === 0 ? id : step(id, depth - 1);
    });
    const ids = Array.from({ length: 200 }, (_, i) => i);
    expect(await Promise.all(ids.map((id) => step(id, 3)))).toEqual(ids);
    await flushTraces();
    expect(memory.traces).toHaveLength(200);
    const seen = new Set<number>();
    for (const t of memory.traces) {
      expect(t.data.spans).toHaveLength(4);
      const spanIds = new Set(t.data.spans.map((s) => s.spanId));
      const inputs = t.data.spans.map((s) => decode(s.attributes['mlflow.spanInputs']) as { id: number });
      const traceIds = new Set(inputs.map((i) => i.id));
      expect(traceIds.size).toBe(1);
      seen.add(inputs[0]?.id ?? -1);
      for (const s of t.data.spans) if (s.parentSpanId !== null) expect(spanIds.has(s.parentSpanId)).toBe(true);
    }
    expect(seen.size).toBe(200);
  });

  it('traces sync functions, generators (with an output reducer and early break) and async generators', async () => {
    const double = trace(function double(x: number) {
      return x * 2;
    });
    expect(double(21)).toBe(42);

    const count = trace(function* count(n: number) {
      for (let i = 0; i < n; i += 1) yield withSpan(() => i, { name: `item-${i}` });
      return 'done';
    }, { outputReducer: (items) => (items as number[]).reduce((a, b) => a + b, 0) });
    expect([...count(4)]).toEqual([0, 1, 2, 3]);
    for (const value of count(100)) if (value === 1) break;

    const stream = trace(async function* stream(words: string[]) {
      for (const word of words) {
        await sleep(1);
        yield word.toUpperCase();
      }
    });
    const collected: string[] = [];
    for await (const word of stream(['a', 'b'])) collected.push(word);
    expect(collected).toEqual(['A', 'B']);

    await flushTraces();
    const byName = (name: string) => memory.traces.filter((t) => t.data.spans.find((s) => s.parentSpanId === null)?.name === name);
    expect(decode(spanNamed(byName('double')[0], 'double').attributes['mlflow.spanOutputs'])).toBe(42);
    const [full, broken] = byName('count');
    expect(decode(spanNamed(full, 'count').attributes['mlflow.spanOutputs'])).toBe(6);
    expect(full?.data.spans.filter((s) => s.name.startsWith('item-'))).toHaveLength(4);
    expect(spanNamed(full, 'item-2').parentSpanId).toBe(spanNamed(full, 'count').spanId);
    expect(decode(spanNamed(broken, 'count').attributes['mlflow.spanOutputs'])).toBe(1);
    expect(spanNamed(broken, 'count').status.code).toBe('STATUS_CODE_OK');
    expect(decode(spanNamed(byName('stream')[0], 'stream').attributes['mlflow.spanOutputs'])).toEqual(['A', 'B']);
  });

  it('sets ERROR, records the exception event and rethrows the same error', async () => {
    const failure = new RangeError('out of range');
    const fails = trace(async function fails() {
      await sleep(1);
      throw failure;
    });
    await expect(fails()).rejects.toBe(failure);
    const syncFails = trace(function syncFails() {
      throw new TypeError('sync');
    });
    expect(() => syncFails()).toThrow('sync');
    await flushTraces();
    const [asyncTrace, syncTrace] = memory.traces;
    expect(asyncTrace?.info.state).toBe('ERROR');
    const span = asyncTrace?.data.spans[0];
    expect(span?.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'out of range' });
    expect(span?.events).toHaveLength(1);
    expect(span?.events[0]?.name).toBe('exception');
    expect(span?.events[0]?.attributes).toMatchObject({ 'exception.type': 'RangeError', 'exception.message': 'out of range' });
    expect(String(span?.events[0]?.attributes['exception.stacktrace'])).toContain('RangeError: out of range');
    expect(syncTrace?.info.state).toBe('ERROR');
  });

  it('works as a method decorator and keeps `this`', async () => {
    class Agent {
      prefix = 'hi';
      @trace({ spanType: SpanType.AGENT })
      greet(name: string): string {
        return `${this.prefix} ${name}`;
      }
    }
    expect(new Agent().greet('ada')).toBe('hi ada');
    await flushTraces();
    const span = memory.traces[0]?.data.spans[0];
    expect(span?.name).toBe('greet');
    expect(decode(span?.attributes['mlflow.spanType'])).toBe('AGENT');
    expect(decode(span?.attributes['mlflow.spanInputs'])).toEqual({ name: 'ada' });
  });

  it('records destructured and rest parameters as args', async () => {
    const f = trace(function f({ a }: { a: number }, ...rest: number[]) {
      return a + rest.length;
    });
    f({ a: 1 }, 2, 3);
    await flushTraces();
    expect(decode(memory.traces[0]?.data.spans[0]?.attributes['mlflow.spanInputs'])).toEqual({ args: [{ a: 1 }, 2, 3] });
  });
});

describe('startSpan, LiveSpan and the active span', () => {
  it('starts spans that are not active, nested by parent, ended by the caller', async () => {
    const root = startSpan({ name: 'root', spanType: SpanType.CHAIN, inputs: { q: 1 } });
    expect(getCurrentActiveSpan()).toBeNull();
    const child = startSpan({ name: 'child', parent: root, spanType: SpanType.TOOL });
    child.setAttributes({ k: 'v', n: 2 });
    child.addEvent({ name: 'progress', attributes: { pct: 50 } });
    child.end({ outputs: 'ok' });
    root.setStatus('ERROR', 'gave up');
    root.end({ outputs: { a: 1 } });
    root.end();
    await flushTraces();
    const t = memory.traces[0];
    expect(t?.info.state).toBe('ERROR');
    expect(spanNamed(t, 'child').parentSpanId).toBe(spanNamed(t, 'root').spanId);
    expect(decode(spanNamed(t, 'child').attributes.k)).toBe('v');
    expect(spanNamed(t, 'child').events[0]).toMatchObject({ name: 'progress', attributes: { pct: 50 } });
    expect(spanNamed(t, 'root').status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'gave up' });
  });

  it('gives the active span inside withSpan and lets the function set its outputs', async () => {
    const value = withSpan(
      (span) => {
        expect(getCurrentActiveSpan()?.spanId).toBe(span.spanId);
        span.setOutputs('custom');
        return 'returned';
      },
      { name: 'outer', inputs: { x: 1 } },
    );
    expect(value).toBe('returned');
    await flushTraces();
    expect(decode(memory.traces[0]?.data.spans[0]?.attributes['mlflow.spanOutputs'])).toBe('custom');
  });

  it('serialises awkward values without throwing', async () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    withSpan(
      (span) => {
        span.setInputs({ big: 12345678901234567890n, circular, error: new Error('e'), map: new Map([['a', 1]]), bytes: new Uint8Array([1, 2]), fn: () => 1 });
      },
      { name: 'awkward' },
    );
    await flushTraces();
    expect(decode(memory.traces[0]?.data.spans[0]?.attributes['mlflow.spanInputs'])).toEqual({
      big: '12345678901234567890',
      circular: { name: 'loop', self: '[Circular]' },
      error: expect.objectContaining({ name: 'Error', message: 'e' }),
      map: { a: 1 },
      bytes: [1, 2],
      fn: '[Function fn]',
    });
  });
});
