import { afterEach, beforeEach } from 'vitest';
import { flushTraces, tracing, type TraceExporter, type TraceRecord } from '../../src/index.js';

/** Sends finished traces to an array instead of the store, for the tests of one file. */
export function useMemoryTraces(): { traces: TraceRecord[]; exporter: TraceExporter } {
  const traces: TraceRecord[] = [];
  const exporter: TraceExporter = {
    name: 'memory',
    export: async (trace) => {
      traces.push(trace);
    },
  };
  beforeEach(() => {
    traces.length = 0;
    tracing.enable();
    tracing.configure({ spanProcessors: [] });
    tracing.setDestination({ store: false, exporters: [exporter] });
  });
  afterEach(async () => {
    await flushTraces();
    tracing.setDestination({});
    tracing.configure({ spanProcessors: [] });
    tracing.enable();
  });
  return { traces, exporter };
}

/** The span of a trace record with this name. */
export function spanNamed(trace: TraceRecord | undefined, name: string): TraceRecord['data']['spans'][number] {
  const span = trace?.data.spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${name} in ${trace?.data.spans.map((s) => s.name).join(', ')}`);
  return span;
}
