// evalflow's spans seen through the OpenTelemetry API: code that uses `trace.getActiveSpan()` or any OTel tracer
// (instrumentation libraries do) must find a real span, nest under it, and see what it writes kept.
import { context, SpanStatusCode, trace as otelTrace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { flushTraces, getCurrentActiveSpan, trace, withSpan } from '../../src/index.js';
import { spanNamed, useMemoryTraces } from '../support/memory-traces.js';

const memory = useMemoryTraces();
const run = promisify(execFile);

describe("evalflow's spans through the OpenTelemetry API", () => {
  it('is the active OTel span, and keeps the attributes, events, links and status written to it', async () => {
    const linked = { traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    const handler = trace(function handler() {
      const span = otelTrace.getActiveSpan();
      expect(span?.isRecording()).toBe(true);
      expect(span?.spanContext().spanId).toBe(getCurrentActiveSpan()?.spanId);
      span?.setAttribute('http.status_code', 503);
      span?.setAttributes({ 'http.method': 'GET', 'not.a.value': { nested: true } as unknown as string });
      span?.addEvent('cache-miss', { key: 'user:1' });
      span?.addEvent('timed', [1_700_000_000, 5]);
      span?.addLink({ context: linked, attributes: { why: 'batch' } });
      span?.recordException(new TypeError('upstream said no'));
      span?.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
      return 'done';
    });
    expect(handler()).toBe('done');
    await flushTraces();

    const span = spanNamed(memory.traces[0], 'handler');
    expect(span.attributes['http.status_code']).toBe(503);
    expect(span.attributes['http.method']).toBe('GET');
    // As the OTel SDK does, a value that is not an attribute value is dropped.
    expect(span.attributes).not.toHaveProperty('not.a.value');
    expect(span.events.map((e) => e.name)).toEqual(['cache-miss', 'timed', 'exception']);
    expect(span.events[0]?.attributes).toEqual({ key: 'user:1' });
    expect(span.events[1]?.timeUnixNano).toBe(1_700_000_000_000_000_005n);
    expect(span.events[2]?.attributes).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'upstream said no' });
    expect(span.links).toEqual([{ traceId: linked.traceId, spanId: linked.spanId, attributes: { why: 'batch' } }]);
    // The ERROR set through OTel stays: trace() sets OK only over an unset status.
    expect(span.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'upstream failed' });
  });

  it('nests spans of any OTel tracer under its spans, and its spans under theirs, in one trace', async () => {
    const tracer = otelTrace.getTracer('instrumentation-lib');
    const outer = trace(async function outer() {
      await tracer.startActiveSpan('db.query', async (db) => {
        withSpan(() => 'parsed', { name: 'parse-rows' });
        db.end();
      });
      return 'ok';
    });
    await outer();
    await flushTraces();

    expect(memory.traces).toHaveLength(1);
    const [t] = memory.traces;
    const root = spanNamed(t, 'outer');
    const db = spanNamed(t, 'db.query');
    const parse = spanNamed(t, 'parse-rows');
    expect(root.parentSpanId).toBeNull();
    expect(db.parentSpanId).toBe(root.spanId);
    expect(parse.parentSpanId).toBe(db.spanId);
    expect(new Set(t?.data.spans.map((s) => s.traceId))).toEqual(new Set([t?.info.traceId]));
  });

  it('ends through the OTel API once, leaving the status as it is, and stops recording', async () => {
    let otelSpan: ReturnType<typeof otelTrace.getActiveSpan>;
    withSpan(() => {
      otelSpan = otelTrace.getActiveSpan();
      otelSpan?.end();
      otelSpan?.setAttribute('after.end', true);
      otelSpan?.end();
      expect(otelSpan?.isRecording()).toBe(false);
    }, { name: 'ended-early' });
    await flushTraces();

    expect(memory.traces).toHaveLength(1);
    const span = spanNamed(memory.traces[0], 'ended-early');
    expect(span.attributes).not.toHaveProperty('after.end');
    expect(span.status.code).toBe('STATUS_CODE_UNSET');
    expect(span.endTimeUnixNano).not.toBeNull();
  });

  it('makes trace ids of 32 hex digits that start with the time in milliseconds and differ in their 20 random digits', async () => {
    const before = Date.now();
    for (let i = 0; i < 200; i += 1) withSpan(() => i, { name: `t${i}` });
    const after = Date.now();
    await flushTraces();
    const ids = memory.traces.map((t) => t.info.traceId.replace(/^tr-/, ''));
    expect(ids).toHaveLength(200);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const millis = Number.parseInt(id.slice(0, 12), 16);
      expect(millis).toBeGreaterThanOrEqual(before);
      expect(millis).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids.map((id) => id.slice(12))).size).toBe(200);
  });

  it('records nothing where OpenTelemetry tracing is suppressed (exporters sending their own requests)', async () => {
    const result = context.with(suppressTracing(context.active()), () => withSpan(() => 'untraced', { name: 'suppressed' }));
    expect(result).toBe('untraced');
    await flushTraces();
    expect(memory.traces).toHaveLength(0);
  });

  it('follows OTEL_TRACES_SAMPLER: the default drops children of an unsampled caller, other samplers apply as in OTel', async () => {
    const probe = join(import.meta.dirname, '..', 'support', 'sampler-probe.ts');
    const spansWith = async (sampler: string | undefined): Promise<string[]> => {
      const env = { ...process.env };
      delete env.OTEL_TRACES_SAMPLER;
      if (sampler !== undefined) env.OTEL_TRACES_SAMPLER = sampler;
      const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], { env });
      return JSON.parse(stdout) as string[];
    };
    const [byDefault, explicitDefault, alwaysOn, alwaysOff] = await Promise.all([
      spansWith(undefined),
      spansWith('parentbased_always_on'),
      spansWith('always_on'),
      spansWith('always_off'),
    ]);
    expect(byDefault).toEqual(['no-parent']);
    expect(explicitDefault).toEqual(['no-parent']);
    expect(alwaysOn).toEqual(['no-parent', 'unsampled-parent']);
    expect(alwaysOff).toEqual([]);
  }, 30_000);
});
