import { context, propagation, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { EvalflowSpanProcessor } from './processor.js';

const TRACER_NAME = 'evalflow';

let ownProvider: NodeTracerProvider | undefined;
let userProvider: TracerProvider | undefined;
let tracer: Tracer | undefined;
let ownSpans = false;

/** OTEL_TRACES_SAMPLER values that choose another sampler than the SDK's default (parent-based, always on). */
const OTHER_SAMPLERS = new Set(['always_on', 'always_off', 'parentbased_always_off', 'traceidratio', 'parentbased_traceidratio']);

/**
 * evalflow's tracer. By default evalflow builds its own provider with its span processor and registers it (and an
 * AsyncLocalStorage context manager and the W3C propagator) globally only when nothing is registered yet, so an
 * application's own OpenTelemetry set-up keeps working; a provider given to `tracing.configure({ tracerProvider })`
 * (built with an EvalflowSpanProcessor) is used instead.
 */
export function getTracer(): Tracer {
  if (tracer) return tracer;
  if (userProvider) {
    tracer = userProvider.getTracer(TRACER_NAME);
    return tracer;
  }
  ownProvider = new NodeTracerProvider({ spanProcessors: [new EvalflowSpanProcessor()] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(ownProvider);
  tracer = ownProvider.getTracer(TRACER_NAME);
  ownSpans = !OTHER_SAMPLERS.has(process.env.OTEL_TRACES_SAMPLER ?? '');
  return tracer;
}

/**
 * Whether evalflow records its spans itself (own-span.ts) rather than through the SDK: with its own provider, whose
 * only processor is evalflow's, and the default sampler. A user's provider (or another sampler) gets SDK spans.
 */
export function recordsOwnSpans(): boolean {
  if (tracer === undefined) getTracer();
  return ownSpans;
}

export function useTracerProvider(provider: TracerProvider | undefined): void {
  userProvider = provider;
  tracer = undefined;
  ownSpans = false;
}
