import { context } from '@opentelemetry/api';
import { pipeline } from '../../tracing/pipeline.js';
import { startRecordedSpan } from '../../tracing/span-api.js';
import { requestAttributes } from './attributes.js';
import { OpenAICall } from './call.js';
import type { Endpoint } from './endpoints.js';
import { observeResult } from './result.js';
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
    const started = startRecordedSpan({ name: endpoint.spanName, spanType: endpoint.spanType, inputs: body, attributes: requestAttributes(body) }, ctx);
    if (started) {
      call = new OpenAICall(started.live, () => secretsOf(thisArg));
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
  const traced = call;
  const streaming = endpoint.streamAccumulator !== undefined && (body as { stream?: unknown } | null | undefined)?.stream === true;
  try {
    return observeResult(result, {
      onValue: (value) => {
        try {
          if (streaming && value !== null && typeof value === 'object' && endpoint.streamAccumulator) {
            if (instrumentStream(value, traced, endpoint.streamAccumulator())) return value;
          }
          traced.end({ outputs: value, usage: normaliseUsage((value as { usage?: unknown } | null | undefined)?.usage) });
        } catch (error) {
          pipeline.warnOnce('openai:response', 'Tracing failed to record an OpenAI response', error);
          traced.end({});
        }
        return value;
      },
      onError: (error) => traced.end({ error }),
      onRawResponse: () => traced.end({}),
    }, streaming);
  } catch (error) {
    pipeline.warnOnce('openai:observe', 'Tracing could not watch an OpenAI call', error);
    traced.end({});
    return result;
  }
}
