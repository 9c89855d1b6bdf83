import { describe, expect, it } from 'vitest';
import {
  flushTraces,
  SpanAttributeKey,
  trace,
  tracing,
  tracingContext,
  updateCurrentTrace,
  withRun,
  withSpan,
} from '../../src/index.js';
import { setLogSink } from '../../src/core/logger.js';
import { spanNamed, useMemoryTraces } from '../support/memory-traces.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();
const memory = useMemoryTraces();
const decode = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

describe('tracing controls', () => {
  it('records nothing while disabled, and the function still runs', async () => {
    tracing.disable();
    const f = trace(function f(x: number) {
      return withSpan((span) => {
        span.setAttribute('ignored', true);
        return x + 1;
      }, { name: 'inner' });
    });
    expect(f(1)).toBe(2);
    tracing.enable();
    f(2);
    await flushTraces();
    expect(memory.traces).toHaveLength(1);
    expect(decode(memory.traces[0]?.data.spans[0]?.attributes['mlflow.spanInputs'])).toEqual({ x: 2 });
  });

  it('runs span processors on every span before export: redaction', async () => {
    tracing.configure({
      spanProcessors: [
        (span) => {
          const inputs = span.inputs as Record<string, unknown> | null;
          if (inputs && typeof inputs === 'object' && 'apiKey' in inputs) span.setInputs({ ...inputs, apiKey: '[REDACTED]' });
        },
      ],
    });
    const call = trace(function call(prompt: string, apiKey: string) {
      return withSpan((span) => span.setInputs({ apiKey }) && 'ok', { name: 'http' });
    });
    call('hi', 'sk-secret-123');
    await flushTraces();
    const text = JSON.stringify(memory.traces, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(text).not.toContain('sk-secret-123');
    expect(decode(spanNamed(memory.traces[0], 'call').attributes[SpanAttributeKey.INPUTS])).toEqual({ prompt: 'hi', apiKey: '[REDACTED]' });
    expect(memory.traces[0]?.info.requestPreview).toBe('{"prompt":"hi","apiKey":"[REDACTED]"}');
  });

  it('scopes span processors to a function, and survives a processor that throws', async () => {
    const lines: string[] = [];
    const restore = setLogSink((_level, message) => lines.push(message));
    try {
      const f = trace(function f() {
        return 1;
      });
      tracing.configure(
        {
          spanProcessors: [
            () => {
              throw new Error('processor bug');
            },
            (span) => span.setAttribute('scoped', true),
          ],
        },
        () => f(),
      );
      f();
      await flushTraces();
      expect(memory.traces).toHaveLength(2);
      expect(memory.traces[0]?.data.spans[0]?.attributes.scoped).toBe('true');
      expect(memory.traces[1]?.data.spans[0]?.attributes.scoped).toBeUndefined();
      expect(lines.some((line) => line.includes('A span processor failed') && line.includes('processor bug'))).toBe(true);
    } finally {
      restore();
    }
  });

  it('never throws into user code when an exporter fails, and logs it once', async () => {
    const lines: string[] = [];
    const restore = setLogSink((_level, message) => lines.push(message));
    tracing.setDestination({ store: false, exporters: [{ name: 'broken', export: async () => { throw new Error('disk full'); } }, memory.exporter] });
    try {
      const f = trace(async function f() {
        return 'value';
      });
      expect(await f()).toBe('value');
      expect(await f()).toBe('value');
      await flushTraces();
      expect(memory.traces).toHaveLength(2);
      expect(lines.filter((line) => line.includes('broken trace exporter failed'))).toHaveLength(1);
      expect(lines[0]).toContain('disk full');
    } finally {
      restore();
    }
  });

  it('updates the current trace: tags overwrite, metadata is write-once, previews and client request id', async () => {
    withSpan(() => {
      updateCurrentTrace({ tags: { env: 'dev' }, metadata: { 'mlflow.trace.session': 's-1' }, clientRequestId: 'req-9' });
      updateCurrentTrace({ tags: { env: 'prod' }, metadata: { 'mlflow.trace.session': 's-2' }, responsePreview: 'short' });
      return 'a'.repeat(5000);
    }, { name: 'root', inputs: { text: 'b'.repeat(5000) } });
    expect(() => updateCurrentTrace({ requestPreview: 5 as never })).toThrow(/must be a string/);
    await flushTraces();
    const info = memory.traces[0]?.info;
    expect(info?.tags.env).toBe('prod');
    expect(info?.traceMetadata['mlflow.trace.session']).toBe('s-1');
    expect(info?.clientRequestId).toBe('req-9');
    expect(info?.responsePreview).toBe('short');
    expect(info?.requestPreview).toHaveLength(1000);
    expect(info?.requestPreview?.endsWith('...')).toBe(true);
  });

  it('copies tracingContext metadata and tags into traces started inside', async () => {
    const f = trace(function f() {
      return 1;
    });
    tracingContext({ metadata: { 'mlflow.trace.user': 'ada' }, tags: { team: 'x' } }, () =>
      tracingContext({ tags: { team: 'y' } }, () => f()),
    );
    await flushTraces();
    expect(memory.traces[0]?.info.traceMetadata['mlflow.trace.user']).toBe('ada');
    expect(memory.traces[0]?.info.tags.team).toBe('y');
  });

  it('links traces to the active run and its experiment', async () => {
    const run = await withRun(async (r) => {
      trace(function inRun() {
        return 1;
      })();
      return r;
    });
    await flushTraces();
    expect(memory.traces[0]?.info.traceMetadata['mlflow.sourceRun']).toBe(run.info.runId);
    expect(memory.traces[0]?.info.experimentId).toBe(run.info.experimentId);
  });

  it('sums token usage without counting a wrapper twice', async () => {
    withSpan(
      (root) => {
        withSpan((llm) => llm.setAttribute(SpanAttributeKey.CHAT_TOKEN_USAGE, { input_tokens: 10, output_tokens: 5, total_tokens: 15 }), { name: 'llm-1' });
        withSpan(
          (wrapper) => {
            wrapper.setAttribute(SpanAttributeKey.CHAT_TOKEN_USAGE, { input_tokens: 3, output_tokens: 2, total_tokens: 5 });
            withSpan((inner) => inner.setAttribute(SpanAttributeKey.CHAT_TOKEN_USAGE, { input_tokens: 3, output_tokens: 2, total_tokens: 5 }), { name: 'inner' });
          },
          { name: 'wrapper' },
        );
        return root.name;
      },
      { name: 'agent' },
    );
    await flushTraces();
    expect(JSON.parse(memory.traces[0]?.info.traceMetadata['mlflow.trace.tokenUsage'] ?? '{}')).toEqual({
      input_tokens: 13,
      output_tokens: 7,
      total_tokens: 20,
    });
  });

  it('rejects bad configuration', () => {
    expect(() => tracing.configure({ spanProcessors: ['x' as never] })).toThrow(/spanProcessors must be an array of functions/);
    expect(() => tracing.setDestination(null as never)).toThrow(/setDestination expects/);
  });
});
