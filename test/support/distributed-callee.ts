// A child process for the distributed-tracing tests: the "remote service". It continues the caller's trace from a
// traceparent header, records a small traced job into the store, flushes and exits.
// Usage: distributed-callee.ts <trackingUri> [traceparent]   (without the argument, the traceparent is read from stdin)
// Prints one JSON line: { traceId, spanId, parentId, startTimeNs, endTimeNs } of its top span.
import { flushTraces, setTrackingUri, SpanType, trace, withSpan, type LiveSpan } from '../../src/index.js';
import { withTracingContextFromHeaders } from '../../src/tracing/distributed.js';

const [uri, argTraceparent] = process.argv.slice(2);
if (!uri) throw new Error('usage: distributed-callee.ts <trackingUri> [traceparent]');
setTrackingUri(uri);

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim();
}

const traceparent = argTraceparent ?? (await readStdin());
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const lookUp = trace(async function lookUp(city: string) {
  await sleep(5);
  return { city, forecast: 'sunny' };
}, { spanType: SpanType.TOOL });

// As an HTTP handler would: the request's headers (Node lower-cases their names) carry the caller's context.
const requestHeaders: Record<string, string | string[] | undefined> = { traceparent, 'content-type': 'application/json' };
let top: LiveSpan | undefined;
await withTracingContextFromHeaders(requestHeaders, () =>
  withSpan(async (span) => {
    top = span;
    const weather = await lookUp('Paris');
    return withSpan(() => `It is ${weather.forecast} in ${weather.city}`, { name: 'compose', spanType: SpanType.LLM });
  }, { name: 'handle-request', spanType: SpanType.AGENT, inputs: { question: 'weather in Paris?' } }),
);
await flushTraces();
if (!top) throw new Error('the handler span was not started');
process.stdout.write(
  `${JSON.stringify({
    traceId: top.traceId,
    spanId: top.spanId,
    parentId: top.parentId,
    startTimeNs: String(top.startTimeNs),
    endTimeNs: String(top.endTimeNs),
  })}\n`,
);
