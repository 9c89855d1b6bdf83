import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace as otelTrace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { EvalflowError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { LiveSpan } from './live-span.js';
import { getTracer } from './provider.js';

/**
 * Distributed tracing over HTTP (MLflow's `get_tracing_context_headers_for_http_request` and
 * `with_tracing_context_from_headers`): the caller sends its span as a W3C `traceparent` header, the callee runs its
 * work inside that context, so the callee's spans are children of the caller's span in the same trace.
 *
 * evalflow always speaks W3C Trace Context here, whatever propagator the application registered globally, so that
 * both sides agree on the header.
 *
 * In another process the callee's spans form a partial trace with the caller's `tr-<hex>` id, whose top span's parent
 * is the caller's span; it is exported when that top span ends, and the store merges it with the caller's half into
 * one trace (request time = the earliest start, duration covering both). In the same process the callee's spans
 * simply join the caller's trace while it is still open.
 */

const propagator = new W3CTraceContextPropagator();

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const FORMAT = '"00-<32 lower-case hex trace id>-<16 lower-case hex parent span id>-<2 hex flags>", ids not all zero';

/** Headers as Node's `IncomingMessage.headers` holds them, a plain record, or a fetch `Headers` object. */
export type TracingHeaders = Record<string, string | string[] | undefined> | Headers;

let warnedNoSpan = false;

/**
 * The headers that carry the active span to another service: `{ traceparent }` (W3C Trace Context; `tracestate` too
 * when the trace has one). Send them with the request, e.g. `fetch(url, { headers: getTracingContextHeaders() })`.
 * With no active span (or with tracing disabled) it returns `{}` and warns once.
 *
 * @param span a span to use instead of the active one (for example one from `startSpan`, which is not made active).
 */
export function getTracingContextHeaders(span?: LiveSpan): Record<string, string> {
  const headers: Record<string, string> = {};
  try {
    if (span === undefined) propagator.inject(context.active(), headers, defaultTextMapSetter);
    else {
      // A span that is not recorded (tracing disabled) has no context to send.
      const otelSpan = span?.otelSpan_;
      if (otelSpan) propagator.inject(otelTrace.setSpan(context.active(), otelSpan), headers, defaultTextMapSetter);
    }
  } catch (error) {
    logger.error('getTracingContextHeaders failed; no tracing headers are sent', error);
    return {};
  }
  if (headers[TRACEPARENT] === undefined) {
    if (!warnedNoSpan) {
      warnedNoSpan = true;
      logger.warn(
        'getTracingContextHeaders() found no active span, so it returns no headers: call it inside trace() or withSpan(), ' +
          'or pass the span (this warning is shown once)',
      );
    }
    return {};
  }
  return headers;
}

/**
 * Runs `fn` as part of the caller's trace, whose context came in the request's headers (`traceparent`, sent by
 * `getTracingContextHeaders()` on the other side). Spans started inside `fn` are children of the caller's span and
 * carry the caller's trace id. Returns what `fn` returns (a promise stays a promise; the context follows its awaits).
 *
 * Header names are matched case-insensitively; Node's `req.headers` and fetch `Headers` objects both work.
 * A missing or malformed `traceparent` is an argument error (`EvalflowError`, INVALID_PARAMETER_VALUE), thrown
 * before `fn` runs. A caller that did not sample the request (flags `00`) is respected: nothing inside is recorded.
 */
export function withTracingContextFromHeaders<T>(headers: TracingHeaders, fn: () => T): T {
  if (typeof fn !== 'function') {
    throw EvalflowError.invalid('withTracingContextFromHeaders(headers, fn): fn must be a function.');
  }
  const traceparent = headerValue(headers, TRACEPARENT);
  if (traceparent === undefined) {
    throw EvalflowError.invalid(
      'withTracingContextFromHeaders: the headers have no "traceparent" header; the caller must send the headers from ' +
        `getTracingContextHeaders() with the request (W3C Trace Context: ${FORMAT}).`,
    );
  }
  if (Array.isArray(traceparent)) {
    throw EvalflowError.invalid(
      `withTracingContextFromHeaders: the headers have ${traceparent.length} "traceparent" values; expected exactly one: ${FORMAT}.`,
      { traceparent },
    );
  }
  const tracestate = headerValue(headers, TRACESTATE);
  const carrier: Record<string, string> = { [TRACEPARENT]: traceparent };
  if (tracestate !== undefined) carrier[TRACESTATE] = Array.isArray(tracestate) ? tracestate.join(',') : tracestate;

  const remote = otelTrace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
  if (!remote) {
    throw EvalflowError.invalid(
      `withTracingContextFromHeaders: the "traceparent" header ${JSON.stringify(clip(traceparent))} is not a valid W3C trace context; expected ${FORMAT}.`,
      { traceparent },
    );
  }
  // Make sure evalflow's context manager is set up before the context is entered.
  ensureTracingSetUp();
  return context.with(otelTrace.setSpanContext(context.active(), remote), fn);
}

/** The value of a header (case-insensitive name); an array when it occurs more than once; undefined when absent. */
function headerValue(headers: TracingHeaders, name: string): string | string[] | undefined {
  if (headers === null || typeof headers !== 'object') {
    throw EvalflowError.invalid(
      'withTracingContextFromHeaders(headers, fn): headers must be an object of header names to values (such as req.headers) or a Headers object.',
    );
  }
  if (isHeadersObject(headers)) {
    const value = headers.get(name);
    return value === null ? undefined : value;
  }
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined || value === null) continue;
    if (Array.isArray(value)) values.push(...value.map(String));
    else values.push(String(value));
  }
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values;
}

function isHeadersObject(headers: object): headers is Headers {
  return (
    (typeof Headers !== 'undefined' && headers instanceof Headers) ||
    (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function')
  );
}

function ensureTracingSetUp(): void {
  try {
    getTracer();
  } catch {
    // Tracing never throws into callers: fn then runs in the extracted context with whatever is registered.
  }
}

function clip(value: string): string {
  return value.length > 120 ? `${value.slice(0, 117)}...` : value;
}
