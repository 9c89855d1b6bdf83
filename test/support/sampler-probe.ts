// Run by test/tracing/otel-api.test.ts with OTEL_TRACES_SAMPLER set: prints how many traces two calls left, one with
// no parent and one under a caller's traceparent that is not sampled.
import { flushTraces, tracing, withSpan, type TraceRecord } from '../../src/index.js';
import { withTracingContextFromHeaders } from '../../src/tracing/distributed.js';

const traces: TraceRecord[] = [];
tracing.setDestination({ store: false, exporters: [{ name: 'memory', export: async (t) => void traces.push(t) }] });
withSpan(() => 'root', { name: 'no-parent' });
withTracingContextFromHeaders({ traceparent: '00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203331-00' }, () =>
  withSpan(() => 'child', { name: 'unsampled-parent' }),
);
await flushTraces();
process.stdout.write(`${JSON.stringify(traces.map((t) => t.data.spans.map((s) => s.name)).flat().sort())}\n`);
