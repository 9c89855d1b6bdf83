// A user who set up OpenTelemetry before evalflow: their provider keeps exporting their spans, evalflow's spans
// nest with theirs, and a provider built with EvalflowSpanProcessor can be handed to evalflow.
import { context, trace as otelTrace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { EvalflowSpanProcessor, flushTraces, trace, tracing, withSpan } from '../../src/index.js';
import { spanNamed, useMemoryTraces } from '../support/memory-traces.js';

const userExporter = new InMemorySpanExporter();
const userProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(userExporter)] });
otelTrace.setGlobalTracerProvider(userProvider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const memory = useMemoryTraces();

describe('with the application’s own OpenTelemetry provider', () => {
  it('keeps it working and nests across both', async () => {
    const userTracer = otelTrace.getTracer('app');
    const handler = trace(async function handler() {
      return userTracer.startActiveSpan('db.query', (span) => {
        span.end();
        return 'rows';
      });
    });
    await userTracer.startActiveSpan('http.request', async (outer) => {
      expect(await handler()).toBe('rows');
      outer.end();
    });
    await flushTraces();

    const userSpans = userExporter.getFinishedSpans();
    expect(userSpans.map((s) => s.name).sort()).toEqual(['db.query', 'http.request']);
    const evalflowTrace = memory.traces[0];
    const handlerSpan = spanNamed(evalflowTrace, 'handler');
    const httpSpan = userSpans.find((s) => s.name === 'http.request');
    const dbSpan = userSpans.find((s) => s.name === 'db.query');
    // evalflow's span is a child of the user's active span, and the user's inner span a child of evalflow's.
    expect(handlerSpan.parentSpanId).toBe(httpSpan?.spanContext().spanId);
    expect(dbSpan?.parentSpanContext?.spanId).toBe(handlerSpan.spanId);
    expect(evalflowTrace?.info.traceId).toBe(`tr-${httpSpan?.spanContext().traceId}`);
  });

  it('uses a provider built with EvalflowSpanProcessor when handed one', async () => {
    const combinedExporter = new InMemorySpanExporter();
    const combined = new NodeTracerProvider({
      spanProcessors: [new EvalflowSpanProcessor(), new SimpleSpanProcessor(combinedExporter)],
    });
    tracing.configure({ tracerProvider: combined });
    try {
      withSpan(() => 'x', { name: 'both-ways' });
      await flushTraces();
      expect(combinedExporter.getFinishedSpans().map((s) => s.name)).toEqual(['both-ways']);
      expect(memory.traces.at(-1)?.data.spans[0]?.name).toBe('both-ways');
    } finally {
      tracing.configure({ tracerProvider: undefined });
    }
  });
});
