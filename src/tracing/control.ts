import type { TracerProvider } from '@opentelemetry/api';
import { EvalflowError } from '../core/errors.js';
import type { SpanProcessorFn } from './finish-trace.js';
import { pipeline } from './pipeline.js';
import { useTracerProvider } from './provider.js';

export interface TracingConfiguration {
  /**
   * Functions that get every span of a finished trace before it is exported, in order, and may change it in place
   * (`span.setInputs(...)`, `span.setAttribute(...)`): the place for PII redaction.
   */
  spanProcessors?: SpanProcessorFn[];
  /** Use this OpenTelemetry provider (built with `new EvalflowSpanProcessor()`) instead of evalflow's own. */
  tracerProvider?: TracerProvider;
}

/**
 * Configures tracing for the process, or, given `fn`, only for traces finished while `fn` runs (the previous
 * configuration is untouched). Returns `fn`'s result.
 */
export function configure(options: TracingConfiguration): void;
export function configure<T>(options: TracingConfiguration, fn: () => T): T;
export function configure<T>(options: TracingConfiguration, fn?: () => T): T | void {
  if (options === null || typeof options !== 'object') {
    throw EvalflowError.invalid('tracing.configure expects { spanProcessors?, tracerProvider? }.');
  }
  const processors = options.spanProcessors;
  if (processors !== undefined && (!Array.isArray(processors) || processors.some((p) => typeof p !== 'function'))) {
    throw EvalflowError.invalid('tracing.configure: spanProcessors must be an array of functions (span) => void.');
  }
  if (fn) {
    if (options.tracerProvider) throw EvalflowError.invalid('tracing.configure: a tracerProvider cannot be scoped to a function.');
    return pipeline.withProcessors(processors ?? [...pipeline.processors], fn);
  }
  if (processors !== undefined) pipeline.setProcessors([...processors]);
  if ('tracerProvider' in options) useTracerProvider(options.tracerProvider);
}

/** Stops tracing: traced functions run as they are and no trace is recorded. */
export function disable(): void {
  pipeline.enabled = false;
}

export function enable(): void {
  pipeline.enabled = true;
}

export function isEnabled(): boolean {
  return pipeline.enabled;
}
