import { context } from '@opentelemetry/api';
import { wireJsonString } from '../../tracing/json-safe.js';
import { pipeline } from '../../tracing/pipeline.js';
import { startRecordedSpan } from '../../tracing/span-api.js';
import { SpanAttributeKey } from '../../store/trace-entities.js';
import { requestAttributes } from './attributes.js';
import { OpenAICall } from './call.js';
import type { Endpoint } from './endpoints.js';
import { observeResult, type ResultHandlers } from './result.js';
import { secretsOf } from './secrets.js';
import { instrumentStream } from './stream.js';
import { normaliseUsage } from './usage.js';

export type ClientMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * > 0 while a traced method runs synchronously. A traced method that calls another (`parse` calls `create`; a
 * `tracedOpenAI` client calls a method `autolog` patched) is then not traced a second time.
 */
let tracedDepth = 0;

/**
 * Calls `original` as `thisArg[method](...args)` inside a span: inputs = the request body (never the request options,
 * which hold headers and keys), outputs = the response, token usage, model, tools. Errors are recorded and reach the
 * caller unchanged; tracing's own failures never do.
 */
export function traceOpenAICall(endpoint: Endpoint, original: ClientMethod, thisArg: unknown, args: unknown[]): unknown {
  if (tracedDepth > 0 || !pipeline.enabled) return original.apply(thisArg, args);
  const body = args[0];
  let call: OpenAICall | undefined;
  let ctx = context.active();
  try {
    const started = startRecordedSpan({ name: endpoint.spanName, spanType: endpoint.spanType }, ctx);
    if (started) {
      // The body goes out as JSON.stringify(body): its text is what the API receives.
      started.live.setJsonAttribute(SpanAttributeKey.INPUTS, wireJsonString(body)).setAttributes(requestAttributes(body));
      call = new OpenAICall(started.live, () => secretsOf(thisArg), endpoint.wireJsonResponse);
      ctx = started.ctx;
    }
  } catch (error) {
    pipeline.warnOnce('openai:start', 'Tracing failed to start an OpenAI span; the call runs untraced', error);
  }
  if (!call) return original.apply(thisArg, args);

  let result: unknown;
  tracedDepth += 1;
  try {
    result = context.with(ctx, () => original.apply(thisArg, args));
  } catch (error) {
    call.end({ error });
    throw error;
  } finally {
    tracedDepth -= 1;
  }
  const streaming = endpoint.streamAccumulator !== undefined && (body as { stream?: unknown } | null | undefined)?.stream === true;
  try {
    return observeResult(result, new CallOutcome(call, endpoint, streaming), streaming);
  } catch (error) {
    pipeline.warnOnce('openai:observe', 'Tracing could not watch an OpenAI call', error);
    call.end({});
    return result;
  }
}

/** What ends the span of one call: its response (or stream), its error, or the raw `Response` handed to the user. */
class CallOutcome implements ResultHandlers {
  constructor(
    private readonly call: OpenAICall,
    private readonly endpoint: Endpoint,
    private readonly streaming: boolean,
  ) {}

  onValue(value: unknown): unknown {
    const call = this.call;
    try {
      if (this.streaming && value !== null && typeof value === 'object' && this.endpoint.streamAccumulator) {
        if (instrumentStream(value, call, this.endpoint.streamAccumulator())) return value;
      }
      call.end({ outputs: value, usage: normaliseUsage((value as { usage?: unknown } | null | undefined)?.usage) });
    } catch (error) {
      pipeline.warnOnce('openai:response', 'Tracing failed to record an OpenAI response', error);
      call.end({});
    }
    return value;
  }

  onError(error: unknown): void {
    this.call.end({ error });
  }

  onRawResponse(): void {
    this.call.end({});
  }
}
