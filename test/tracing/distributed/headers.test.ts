import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { setLogSink } from '../../../src/core/logger.js';
import { ErrorCode, EvalflowError, flushTraces, startSpan, tracing, withSpan } from '../../../src/index.js';
import { getTracingContextHeaders, withTracingContextFromHeaders } from '../../../src/tracing/distributed.js';
import { spanNamed, useMemoryTraces } from '../../support/memory-traces.js';

const memory = useMemoryTraces();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

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

describe('getTracingContextHeaders', () => {
  it('returns {} and warns once when no span is active', () => {
    const first = captureLog(() => getTracingContextHeaders());
    expect(first.result).toEqual({});
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toMatch(/^warn: getTracingContextHeaders\(\) found no active span/);
    const second = captureLog(() => getTracingContextHeaders());
    expect(second.result).toEqual({});
    expect(second.lines).toEqual([]);
  });

  it('gives the active span as a W3C traceparent, and that of a span passed in', async () => {
    const { headers, traceId, spanId, childHeaders, childSpanId } = withSpan((span) => {
      const child = startSpan({ name: 'not-active' });
      const result = { headers: getTracingContextHeaders(), traceId: span.traceId, spanId: span.spanId, childHeaders: getTracingContextHeaders(child), childSpanId: child.spanId };
      child.end();
      return result;
    }, { name: 'caller' });
    expect(Object.keys(headers)).toEqual(['traceparent']);
    const match = TRACEPARENT.exec(headers.traceparent ?? '');
    expect(`tr-${match?.[1]}`).toBe(traceId);
    expect(match?.[2]).toBe(spanId);
    expect(childHeaders.traceparent).toBe(`00-${traceId.slice(3)}-${childSpanId}-01`);
    await flushTraces();
  });

  it('returns {} for a span that is not recorded (tracing disabled)', () => {
    tracing.disable();
    const headers = withSpan((span) => [getTracingContextHeaders(), getTracingContextHeaders(span)], { name: 'off' });
    expect(headers).toEqual([{}, {}]);
  });
});

describe('withTracingContextFromHeaders in one process', () => {
  it("makes the callee's spans children of the caller's span, in one trace", async () => {
    const callee = (headers: Record<string, string>): Promise<string> =>
      withTracingContextFromHeaders(headers, () =>
        withSpan(async () => {
          await sleep(2);
          return withSpan(() => 'answer', { name: 'callee-step', inputs: { q: 1 } });
        }, { name: 'callee' }),
      );
    const result = await withSpan(async () => {
      await sleep(1);
      return callee(getTracingContextHeaders());
    }, { name: 'caller' });
    expect(result).toBe('answer');
    await flushTraces();

    expect(memory.traces).toHaveLength(1);
    const [trace] = memory.traces;
    expect(trace?.data.spans.map((s) => s.name)).toEqual(['caller', 'callee', 'callee-step']);
    const caller = spanNamed(trace, 'caller');
    const calleeSpan = spanNamed(trace, 'callee');
    expect(caller.parentSpanId).toBeNull();
    expect(calleeSpan.parentSpanId).toBe(caller.spanId);
    expect(spanNamed(trace, 'callee-step').parentSpanId).toBe(calleeSpan.spanId);
    for (const span of trace?.data.spans ?? []) expect(span.traceId).toBe(trace?.info.traceId);
    expect(trace?.info.state).toBe('OK');
  });

  it('works over HTTP: fetch sends the headers, a node:http handler continues the trace from req.headers', async () => {
    const server = createServer((req, res) => {
      void withTracingContextFromHeaders(req.headers, () =>
        withSpan(async () => {
          await sleep(1);
          return `handled ${req.url}`;
        }, { name: 'server-handler', spanType: 'TOOL' }),
      ).then((body) => res.end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const body = await withSpan(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/weather`, { headers: getTracingContextHeaders() });
        return response.text();
      }, { name: 'client-request' });
      expect(body).toBe('handled /weather');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await flushTraces();
    expect(memory.traces).toHaveLength(1);
    const [trace] = memory.traces;
    expect(spanNamed(trace, 'server-handler').parentSpanId).toBe(spanNamed(trace, 'client-request').spanId);
  });

  it('reads headers whatever their case: Node request headers, arrays, fetch Headers', async () => {
    const names: string[] = [];
    await withSpan(async (caller) => {
      const { traceparent = '' } = getTracingContextHeaders();
      const forms = [
        { traceparent, host: 'localhost' },
        { TraceParent: traceparent },
        { traceparent: [traceparent], other: undefined },
        new Headers({ TRACEPARENT: traceparent }),
      ];
      forms.forEach((headers, i) => {
        withTracingContextFromHeaders(headers, () => {
          withSpan((span) => {
            expect(span.parentId).toBe(caller.spanId);
            expect(span.traceId).toBe(caller.traceId);
            names.push(span.name);
          }, { name: `form-${i}` });
        });
      });
    }, { name: 'caller' });
    await flushTraces();
    expect(names).toEqual(['form-0', 'form-1', 'form-2', 'form-3']);
    expect(memory.traces).toHaveLength(1);
    expect(memory.traces[0]?.data.spans).toHaveLength(5);
  });

  it('keeps the context across awaits and returns what fn returns', async () => {
    let headers: Record<string, string> = {};
    const outer = withSpan((span) => {
      headers = getTracingContextHeaders();
      return span;
    }, { name: 'caller' });
    // The caller's trace has ended: the callee's part becomes a partial trace with the same id whose top span's
    // parent is the caller's span (the store merges such halves).
    const value = await withTracingContextFromHeaders(headers, async () => {
      await sleep(1);
      return withSpan(async () => {
        await sleep(1);
        return withSpan(() => 42, { name: 'late-step' });
      }, { name: 'late-callee' });
    });
    expect(value).toBe(42);
    await flushTraces();
    expect(memory.traces.map((t) => t.info.traceId)).toEqual([outer.traceId, outer.traceId]);
    const part = memory.traces[1];
    expect(spanNamed(part, 'late-callee').parentSpanId).toBe(outer.spanId);
    expect(spanNamed(part, 'late-step').parentSpanId).toBe(spanNamed(part, 'late-callee').spanId);
    expect(part?.info.requestTime).toBeGreaterThanOrEqual(memory.traces[0]?.info.requestTime ?? Infinity);
  });

  it('passes tracestate on, and restores the outer context afterwards', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    let inner: Record<string, string> = {};
    withSpan((outer) => {
      withTracingContextFromHeaders({ traceparent, tracestate: 'vendor=abc' }, () => {
        withSpan((span) => {
          expect(span.traceId).toBe('tr-0af7651916cd43dd8448eb211c80319c');
          expect(span.parentId).toBe('b7ad6b7169203331');
          inner = getTracingContextHeaders();
          inner.spanId = span.spanId;
        }, { name: 'remote-child' });
      });
      withSpan((span) => expect(span.parentId).toBe(outer.spanId), { name: 'after' });
    }, { name: 'outer' });
    expect(inner).toEqual({ traceparent: `00-0af7651916cd43dd8448eb211c80319c-${inner.spanId}-01`, tracestate: 'vendor=abc', spanId: inner.spanId });
    await flushTraces();
    const remote = memory.traces.find((t) => t.info.traceId === 'tr-0af7651916cd43dd8448eb211c80319c');
    expect(remote?.data.spans.map((s) => [s.name, s.parentSpanId])).toEqual([['remote-child', 'b7ad6b7169203331']]);
  });

  it('records nothing when the caller did not sample the request (flags 00), and still runs fn', async () => {
    const { result } = captureLog(() =>
      withTracingContextFromHeaders({ traceparent: '00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203331-00' }, () =>
        withSpan(() => 'ran', { name: 'unsampled' }),
      ),
    );
    expect(result).toBe('ran');
    await flushTraces();
    expect(memory.traces).toEqual([]);
  });
});

describe('withTracingContextFromHeaders argument errors', () => {
  const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('rejects headers without traceparent before fn runs', () => {
    let ran = false;
    const fn = (): void => {
      ran = true;
    };
    for (const headers of [{}, { 'content-type': 'application/json' }, { traceparent: undefined }, { traceparent: [] }, new Headers()]) {
      expectInvalid(() => withTracingContextFromHeaders(headers, fn), /no "traceparent" header.*getTracingContextHeaders\(\).*00-<32 lower-case hex trace id>/);
    }
    expect(ran).toBe(false);
  });

  it('rejects a malformed traceparent, saying what was expected', () => {
    const fn = (): never => {
      throw new Error('fn must not run');
    };
    for (const traceparent of [
      '',
      'garbage',
      valid.toUpperCase(),
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra',
      '00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01',
      `${valid}, ${valid}`,
    ]) {
      expectInvalid(() => withTracingContextFromHeaders({ traceparent }, fn), /is not a valid W3C trace context; expected "00-<32 lower-case hex trace id>-<16 lower-case hex parent span id>-<2 hex flags>"/);
    }
    expectInvalid(() => withTracingContextFromHeaders({ traceparent: [valid, valid] }, fn), /2 "traceparent" values; expected exactly one/);
    expectInvalid(() => withTracingContextFromHeaders({ traceparent: valid, TraceParent: valid }, fn), /2 "traceparent" values/);
  });

  it('rejects headers that are not an object and fn that is not a function', () => {
    expectInvalid(() => withTracingContextFromHeaders(null as unknown as Record<string, string>, () => 1), /headers must be an object/);
    expectInvalid(() => withTracingContextFromHeaders(`traceparent: ${valid}` as unknown as Record<string, string>, () => 1), /headers must be an object/);
    expectInvalid(() => withTracingContextFromHeaders({ traceparent: valid }, undefined as unknown as () => void), /fn must be a function/);
  });

  it('accepts a future version with extra fields, as W3C asks', () => {
    const value = withTracingContextFromHeaders({ traceparent: '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-future' }, () => 'ok');
    expect(value).toBe('ok');
  });
});
