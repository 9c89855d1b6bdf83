import { context, propagation, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { EvalflowSpanProcessor } from './processor.js';

const TRACER_NAME = 'evalflow';

let ownProvider: NodeTracerProvider | undefined;
let userProvider: TracerProvider | undefined;
let tracer: Tracer | undefined;

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
  return tracer;
}

export function useTracerProvider(provider: TracerProvider | undefined): void {
  userProvider = provider;
  tracer = undefined;
}
