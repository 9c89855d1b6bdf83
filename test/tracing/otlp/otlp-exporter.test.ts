import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flushTraces, SpanType, startSpan, trace, tracing, updateCurrentTrace, withSpan, type TraceExporter, type TraceRecord } from '../../../src/index.js';
import { setLogSink } from '../../../src/core/logger.js';
import { otlpExporterFromEnv, OtlpTraceExporter, traceToReadableSpans } from '../../../src/tracing/exporters/otlp-exporter.js';
import { pipeline } from '../../../src/tracing/pipeline.js';
import { attr, OtlpReceiver, spanByName } from './receiver.js';

const receiver = new OtlpReceiver();
const memoryTraces: TraceRecord[] = [];
const memory: TraceExporter = {
  name: 'memory',
  export: async (t) => {
    memoryTraces.push(t);
  },
};

beforeAll(async () => {
  await receiver.start();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.reset();
  memoryTraces.length = 0;
  pipeline.resetWarnings();
  tracing.enable();
  tracing.configure({ spanProcessors: [] });
});
afterEach(async () => {
  await flushTraces();
  tracing.setDestination({});
  tracing.configure({ spanProcessors: [] });
});

/** Sends traces to the receiver (and to memory, to compare with what evalflow recorded). */
function useOtlp(options: ConstructorParameters<typeof OtlpTraceExporter>[0] = {}, experimentId?: string): OtlpTraceExporter {
  const exporter = new OtlpTraceExporter({ endpoint: receiver.tracesUrl, ...options });
  tracing.setDestination({ store: false, exporters: [exporter, memory], ...(experimentId !== undefined && { experimentId }) });
  return exporter;
}

const hexToNanos = (s: string | undefined): bigint => BigInt(s ?? '-1');

describe('OtlpTraceExporter over HTTP (OTLP/JSON)', () => {
  it('sends a two-span trace: ids, parent, names, times, status, unwrapped MLflow attributes, exception event', async () => {
    useOtlp();
    const inner = trace(function inner(prompt: string): string {
      throw new TypeError(`bad prompt ${prompt}`);
    }, { spanType: SpanType.LLM });
    const outer = trace(async function outer(question: string) {
      try {
        inner(question);
      } catch {
        // handled: the outer span stays OK
      }
      return { answer: 42 };
    }, { spanType: SpanType.CHAIN });

    expect(await outer('why?')).toEqual({ answer: 42 });
    await flushTraces();

    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/traces');
    expect(request?.headers['content-type']).toBe('application/json');
    const resourceSpans = request?.json.resourceSpans ?? [];
    expect(resourceSpans).toHaveLength(1);
    expect(attr(resourceSpans[0]?.resource.attributes, 'service.name')).toBe(process.env.OTEL_SERVICE_NAME ?? 'evalflow');
    expect(resourceSpans[0]?.scopeSpans[0]?.scope.name).toBe('evalflow');

    const recorded = memoryTraces[0];
    if (!recorded) throw new Error('no trace recorded');
    const spans = receiver.spans();
    expect(spans).toHaveLength(2);
    const root = spanByName(spans, 'outer');
    const child = spanByName(spans, 'inner');
    const hex = recorded.info.traceId.slice(3);
    expect(root.traceId).toBe(hex);
    expect(child.traceId).toBe(hex);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(root.parentSpanId ?? '').toBe('');
    expect(child.parentSpanId).toBe(root.spanId);
    expect(root.kind).toBe(1); // SPAN_KIND_INTERNAL

    const recordedRoot = recorded.data.spans.find((s) => s.name === 'outer');
    const recordedChild = recorded.data.spans.find((s) => s.name === 'inner');
    expect(root.spanId).toBe(recordedRoot?.spanId);
    expect(hexToNanos(root.startTimeUnixNano)).toBe(recordedRoot?.startTimeUnixNano);
    expect(hexToNanos(root.endTimeUnixNano)).toBe(recordedRoot?.endTimeUnixNano);
    expect(hexToNanos(child.startTimeUnixNano)).toBe(recordedChild?.startTimeUnixNano);
    expect(hexToNanos(child.endTimeUnixNano)).toBe(recordedChild?.endTimeUnixNano);
    expect(hexToNanos(child.startTimeUnixNano)).toBeGreaterThanOrEqual(hexToNanos(root.startTimeUnixNano));

    expect(root.status.code).toBe(1); // STATUS_CODE_OK
    expect(child.status).toEqual({ code: 2, message: 'bad prompt why?' }); // STATUS_CODE_ERROR

    // JSON-string attributes arrive as plain strings; JSON objects stay JSON text.
    expect(attr(root.attributes, 'mlflow.spanType')).toBe('CHAIN');
    expect(attr(child.attributes, 'mlflow.spanType')).toBe('LLM');
    expect(attr(root.attributes, 'mlflow.traceRequestId')).toBe(recorded.info.traceId);
    expect(attr(child.attributes, 'mlflow.traceRequestId')).toBe(recorded.info.traceId);
    expect(attr(root.attributes, 'mlflow.spanInputs')).toBe('{"question":"why?"}');
    expect(attr(root.attributes, 'mlflow.spanOutputs')).toBe('{"answer":42}');
    expect(attr(child.attributes, 'mlflow.spanInputs')).toBe('{"prompt":"why?"}');

    expect(root.events).toEqual([]);
    expect(child.events).toHaveLength(1);
    const event = child.events[0];
    expect(event?.name).toBe('exception');
    expect(attr(event?.attributes, 'exception.type')).toBe('TypeError');
    expect(attr(event?.attributes, 'exception.message')).toBe('bad prompt why?');
    expect(String(attr(event?.attributes, 'exception.stacktrace'))).toContain('TypeError: bad prompt why?');
    expect(hexToNanos(event?.timeUnixNano)).toBe(recordedChild?.events[0]?.timeUnixNano);
  });

  it('puts trace tags, session, user and the experiment id on the root span only', async () => {
    useOtlp({}, '7');
    const step = trace(function step() {
      return 'done';
    });
    const agent = trace(function agent() {
      updateCurrentTrace({
        tags: { team: 'search', 'release.channel': 'beta' },
        metadata: { 'mlflow.trace.session': 'sess-1', 'mlflow.trace.user': 'user-9' },
      });
      return step();
    });
    agent();
    await flushTraces();

    const spans = receiver.spans();
    const root = spanByName(spans, 'agent');
    const child = spanByName(spans, 'step');
    expect(attr(root.attributes, 'mlflow.traceTag.team')).toBe('search');
    expect(attr(root.attributes, 'mlflow.traceTag.release.channel')).toBe('beta');
    expect(attr(root.attributes, 'mlflow.traceTag.mlflow.traceName')).toBe('agent');
    expect(attr(root.attributes, 'session.id')).toBe('sess-1');
    expect(attr(root.attributes, 'user.id')).toBe('user-9');
    expect(attr(root.attributes, 'mlflow.experimentId')).toBe('7');
    for (const key of ['mlflow.traceTag.team', 'session.id', 'user.id', 'mlflow.experimentId']) {
      expect(attr(child.attributes, key)).toBeUndefined();
    }
  });

  it('sends spans as redacted by the configured span processors: the secret is nowhere in the request', async () => {
    useOtlp();
    const secret = 'sk-live-SECRET-98765';
    tracing.configure({
      spanProcessors: [
        (span) => {
          const inputs = span.inputs as Record<string, unknown> | null;
          if (inputs && typeof inputs === 'object' && 'apiKey' in inputs) span.setInputs({ ...inputs, apiKey: '[REDACTED]' });
        },
      ],
    });
    const call = trace(function call(prompt: string, apiKey: string) {
      return withSpan((span) => {
        span.setInputs({ apiKey, url: 'https://api.example' });
        return `ok ${prompt.length}`;
      }, { name: 'http' });
    });
    expect(call('hello', secret)).toBe('ok 5');
    await flushTraces();

    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.body).not.toContain(secret);
    const spans = receiver.spans();
    expect(attr(spanByName(spans, 'call').attributes, 'mlflow.spanInputs')).toBe('{"prompt":"hello","apiKey":"[REDACTED]"}');
    expect(attr(spanByName(spans, 'http').attributes, 'mlflow.spanInputs')).toBe('{"apiKey":"[REDACTED]","url":"https://api.example"}');
  });

  it('exports a span that had not ended with the root end time', async () => {
    useOtlp();
    const f = trace(function withLoose() {
      startSpan({ name: 'never-ended' });
      return 1;
    });
    f();
    await flushTraces();
    const spans = receiver.spans();
    const root = spanByName(spans, 'withLoose');
    const loose = spanByName(spans, 'never-ended');
    expect(loose.parentSpanId).toBe(root.spanId);
    // The root's end time, or the span's own start when OTel's ms-precision start clock put it later (an end never
    // precedes its start).
    const rootEnd = hexToNanos(root.endTimeUnixNano);
    const looseStart = hexToNanos(loose.startTimeUnixNano);
    expect(hexToNanos(loose.endTimeUnixNano)).toBe(looseStart > rootEnd ? looseStart : rootEnd);
    expect(looseStart - rootEnd).toBeLessThan(2_000_000n);
    expect(memoryTraces[0]?.data.spans.find((s) => s.name === 'never-ended')?.endTimeUnixNano).toBeNull();
  });

  it('sends traces that finish together in one request', async () => {
    useOtlp();
    const job = trace(async function job(n: number) {
      return n * 2;
    });
    expect(await Promise.all([job(1), job(2), job(3)])).toEqual([2, 4, 6]);
    await flushTraces();
    expect(receiver.requests).toHaveLength(1);
    const spans = receiver.spans();
    expect(spans).toHaveLength(3);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(3);
    expect(spans.map((s) => attr(s.attributes, 'mlflow.spanInputs')).sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });
});

describe('OtlpTraceExporter.shutdown', () => {
  it('sends what is queued before shutting down, then refuses new traces', async () => {
    useOtlp();
    trace(function queued() {
      return 1;
    })();
    await flushTraces();
    const record = memoryTraces[0];
    if (!record) throw new Error('no trace');
    receiver.reset();
    const exporter = new OtlpTraceExporter({ endpoint: receiver.tracesUrl });
    const sent = exporter.export(record);
    await exporter.shutdown();
    await expect(sent).resolves.toBeUndefined();
    expect(receiver.spans().map((s) => s.name)).toEqual(['queued']);
    await expect(exporter.export(record)).rejects.toThrow(/shut down/);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('configuration from the environment', () => {
  const names = [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    'OTEL_EXPORTER_OTLP_HEADERS',
    'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  ] as const;
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of names) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('is off when neither endpoint variable is set', () => {
    expect(otlpExporterFromEnv()).toBeUndefined();
  });

  it('uses OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces and the URL-decoded OTEL_EXPORTER_OTLP_HEADERS', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `${receiver.url}/collector/`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'Authorization=Bearer%20tok-123, x-team = evals ,x-override=general';
    process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = 'x-override=traces';
    const exporter = otlpExporterFromEnv();
    expect(exporter).toBeInstanceOf(OtlpTraceExporter);
    expect(exporter?.endpoint).toBe(`${receiver.url}/collector/v1/traces`);
    tracing.setDestination({ store: false, exporters: exporter ? [exporter] : [] });
    trace(function envTraced() {
      return 1;
    })();
    await flushTraces();
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0];
    expect(request?.path).toBe('/collector/v1/traces');
    expect(request?.headers.authorization).toBe('Bearer tok-123');
    expect(request?.headers['x-team']).toBe('evals');
    expect(request?.headers['x-override']).toBe('traces');
    expect(receiver.spans().map((s) => s.name)).toEqual(['envTraced']);
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, over OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:1/unused';
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.url}/custom/path`;
    process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = 'api-key=k%3Dv%2C1';
    const exporter = otlpExporterFromEnv();
    expect(exporter?.endpoint).toBe(`${receiver.url}/custom/path`);
    tracing.setDestination({ store: false, exporters: exporter ? [exporter] : [] });
    trace(function specific() {
      return 1;
    })();
    await flushTraces();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/custom/path']);
    expect(receiver.requests[0]?.headers['api-key']).toBe('k=v,1');
  });

  it('takes endpoint, headers and timeout from explicit options; option headers win over the variables', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:1/ignored';
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'authorization=Bearer from-env,x-env=1';
    const exporter = new OtlpTraceExporter({
      endpoint: `${receiver.url}/explicit/v1/traces`,
      headers: { Authorization: 'Bearer from-code', 'X-Tenant': 'acme' },
      timeoutMillis: 2000,
    });
    expect(exporter.endpoint).toBe(`${receiver.url}/explicit/v1/traces`);
    tracing.setDestination({ store: false, exporters: [exporter] });
    trace(function explicit() {
      return 1;
    })();
    await flushTraces();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/explicit/v1/traces']);
    const headers = receiver.requests[0]?.headers;
    expect(headers?.authorization).toBe('Bearer from-code');
    expect(headers?.['x-tenant']).toBe('acme');
    expect(headers?.['x-env']).toBe('1');
  });

  it('a bad endpoint turns export off with a warning instead of throwing', () => {
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = 'not a url';
    const lines: string[] = [];
    const restore = setLogSink((_level, message) => lines.push(message));
    try {
      expect(otlpExporterFromEnv()).toBeUndefined();
    } finally {
      restore();
    }
    expect(lines.some((l) => l.includes('not a url'))).toBe(true);
    expect(() => new OtlpTraceExporter({ endpoint: 'ftp://x/v1/traces' })).toThrow(/http/);
  });
});

describe('failures never reach user code', () => {
  it('a receiver answering 500: the function returns its value, flushTraces resolves, the failure is logged once', async () => {
    const exporter = useOtlp();
    receiver.status = 500;
    const lines: string[] = [];
    const restore = setLogSink((_level, message) => lines.push(message));
    try {
      const f = trace(function compute(x: number) {
        return x + 1;
      });
      expect(f(1)).toBe(2);
      expect(f(2)).toBe(3);
      await flushTraces();
      await new Promise((resolve) => setImmediate(resolve));
      expect(f(3)).toBe(4);
      await expect(flushTraces()).resolves.toBeUndefined();
    } finally {
      restore();
    }
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect(memoryTraces).toHaveLength(3); // the other exporter is unaffected
    const failures = lines.filter((l) => l.includes('otlp trace exporter failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('HTTP 500');
    // The exporter itself rejects, so the pipeline can tell.
    const sample = memoryTraces[0];
    if (!sample) throw new Error('no trace');
    await expect(exporter.export(sample)).rejects.toThrow(/HTTP 500/);
  });

  it('a receiver that is down: the function returns its value and flushTraces resolves', async () => {
    const down = new OtlpReceiver();
    await down.start();
    const deadUrl = down.tracesUrl;
    await down.close();
    const exporter = new OtlpTraceExporter({ endpoint: deadUrl, timeoutMillis: 300 });
    tracing.setDestination({ store: false, exporters: [exporter, memory] });
    const lines: string[] = [];
    const restore = setLogSink((_level, message) => lines.push(message));
    try {
      const f = trace(async function offline() {
        return 'still works';
      });
      await expect(f()).resolves.toBe('still works');
      await expect(flushTraces()).resolves.toBeUndefined();
    } finally {
      restore();
    }
    expect(memoryTraces).toHaveLength(1);
    expect(lines.some((l) => l.includes('otlp trace exporter failed'))).toBe(true);
    await exporter.shutdown();
    await expect(exporter.export(memoryTraces[0] as TraceRecord)).rejects.toThrow(/shut down/);
  });
});

describe('traceToReadableSpans', () => {
  it('unwraps only JSON strings and keeps other values as OTel attributes', () => {
    const traceRecord: TraceRecord = {
      info: {
        traceId: 'tr-0123456789abcdef0123456789abcdef',
        clientRequestId: null,
        experimentId: '',
        requestTime: 0,
        executionDuration: 1,
        state: 'OK',
        requestPreview: null,
        responsePreview: null,
        traceMetadata: {},
        tags: {},
      },
      data: {
        spans: [
          {
            traceId: 'tr-0123456789abcdef0123456789abcdef',
            spanId: '0123456789abcdef',
            parentSpanId: null,
            name: 'root',
            startTimeUnixNano: 1_700_000_000_123_456_789n,
            endTimeUnixNano: 1_700_000_001_000_000_000n,
            status: { code: 'STATUS_CODE_UNSET', message: '' },
            attributes: {
              'mlflow.spanType': '"RETRIEVER"',
              'mlflow.spanInputs': '{"q":"x"}',
              'mlflow.spanLogLevel': '20',
              quoted: '"not json',
              plain: 'text',
              count: 3,
              flag: false,
              list: ['a', 'b'],
              mixed: ['a', 1],
              nested: { a: 1 },
              nothing: null,
            },
            events: [{ name: 'note', timeUnixNano: 1_700_000_000_500_000_000n, attributes: { said: '"kept"' } }],
            links: [{ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), attributes: { why: 'retry' } }],
          },
        ],
      },
    };
    const [span] = traceToReadableSpans(traceRecord);
    if (!span) throw new Error('no span');
    expect(span.spanContext()).toMatchObject({ traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef' });
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.startTime).toEqual([1_700_000_000, 123_456_789]);
    expect(span.endTime).toEqual([1_700_000_001, 0]);
    expect(span.duration).toEqual([0, 876_543_211]);
    expect(span.status).toEqual({ code: 0 });
    expect(span.ended).toBe(true);
    expect(span.attributes).toEqual({
      'mlflow.spanType': 'RETRIEVER',
      'mlflow.spanInputs': '{"q":"x"}',
      'mlflow.spanLogLevel': '20',
      'mlflow.traceRequestId': 'tr-0123456789abcdef0123456789abcdef',
      quoted: '"not json',
      plain: 'text',
      count: 3,
      flag: false,
      list: ['a', 'b'],
      mixed: '["a",1]',
      nested: '{"a":1}',
    });
    expect(span.events[0]?.attributes).toEqual({ said: '"kept"' });
    expect(span.links[0]?.context.spanId).toBe('e'.repeat(16));
    expect(span.resource.attributes['service.name']).toBe(process.env.OTEL_SERVICE_NAME ?? 'evalflow');
  });
});
