import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flushTraces, getTrace, searchTraces, SpanType, tracing, withSpan } from '../../../src/index.js';
import { getTracingContextHeaders } from '../../../src/tracing/distributed.js';
import { useTrackingSandbox } from '../../support/tracking-sandbox.js';

const sandbox = useTrackingSandbox();
const calleeScript = join(import.meta.dirname, '..', '..', 'support', 'distributed-callee.ts');

interface CalleeReport {
  traceId: string;
  spanId: string;
  parentId: string | null;
  startTimeNs: string;
  endTimeNs: string;
}

/** Runs the "remote service" in a child process, passing the traceparent in argv or on stdin; resolves with its report. */
function callRemoteService(uri: string, traceparent: string, via: 'argv' | 'stdin'): Promise<CalleeReport> {
  const args = ['--import', 'tsx', calleeScript, uri, ...(via === 'argv' ? [traceparent] : [])];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(via === 'stdin' ? `${traceparent}\n` : '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the callee exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim()) as CalleeReport);
    });
  });
}

const ms = (ns: bigint | string | null): number => Number(BigInt(ns ?? 0) / 1_000_000n);

describe('a trace that crosses two processes', () => {
  it("is stored as one trace: the caller's spans and the callee's, linked by the traceparent header", async () => {
    tracing.setDestination({});
    const uri = sandbox.dir();
    const { caller, report } = await withSpan(async (span) => {
      const { traceparent } = getTracingContextHeaders();
      expect(traceparent).toBe(`00-${span.traceId.slice(3)}-${span.spanId}-01`);
      const result = await callRemoteService(uri, traceparent ?? '', 'argv');
      return { caller: span, report: result };
    }, { name: 'ask-weather', spanType: SpanType.CHAIN, inputs: { city: 'Paris' } });
    await flushTraces();

    expect(report.traceId).toBe(caller.traceId);
    expect(report.parentId).toBe(caller.spanId);

    const stored = await getTrace(caller.traceId);
    expect(stored).not.toBeNull();
    expect(stored?.data.spans.map((s) => s.name)).toEqual(['ask-weather', 'handle-request', 'lookUp', 'compose']);
    const byName = new Map(stored?.data.spans.map((s) => [s.name, s]));
    expect(byName.get('ask-weather')?.parentId).toBeNull();
    expect(byName.get('ask-weather')?.spanId).toBe(caller.spanId);
    expect(byName.get('handle-request')?.spanId).toBe(report.spanId);
    expect(byName.get('handle-request')?.parentId).toBe(caller.spanId);
    expect(byName.get('lookUp')?.parentId).toBe(report.spanId);
    expect(byName.get('compose')?.parentId).toBe(report.spanId);
    expect(byName.get('handle-request')?.spanType).toBe('AGENT');
    expect(byName.get('handle-request')?.inputs).toEqual({ question: 'weather in Paris?' });
    expect(byName.get('lookUp')?.outputs).toEqual({ city: 'Paris', forecast: 'sunny' });
    for (const span of stored?.data.spans ?? []) {
      expect(span.traceId).toBe(caller.traceId);
      expect(span.getAttribute('mlflow.traceRequestId')).toBe(caller.traceId);
    }
    expect(stored?.rootSpan?.name).toBe('ask-weather');

    const info = stored?.info;
    expect(info?.state).toBe('OK');
    expect(info?.tags['mlflow.traceName']).toBe('ask-weather');
    // Request time = the caller's start; the duration covers both halves (the callee ran inside the caller's span).
    expect(info?.requestTime).toBe(ms(caller.startTimeNs));
    const end = (info?.requestTime ?? 0) + (info?.executionDuration ?? 0);
    expect(Math.abs(end - ms(caller.endTimeNs))).toBeLessThanOrEqual(1); // whole milliseconds
    expect(end).toBeGreaterThanOrEqual(ms(report.endTimeNs));
    expect(ms(report.startTimeNs)).toBeGreaterThanOrEqual(info?.requestTime ?? Infinity);

    // One trace in the experiment, not two.
    expect((await searchTraces()).map((t) => t.info.traceId)).toEqual([caller.traceId]);
  });

  it('merges several remote calls made under one span (traceparent passed on stdin)', async () => {
    tracing.setDestination({});
    const uri = sandbox.dir();
    const { caller, reports } = await withSpan(async (span) => {
      const headers = getTracingContextHeaders();
      const first = await callRemoteService(uri, headers.traceparent ?? '', 'stdin');
      const second = await withSpan(() => callRemoteService(uri, getTracingContextHeaders().traceparent ?? '', 'argv'), { name: 'retry' });
      return { caller: span, reports: [first, second] };
    }, { name: 'agent-loop' });
    await flushTraces();

    const stored = await getTrace(caller.traceId);
    const retry = stored?.data.spans.find((s) => s.name === 'retry');
    const handlers = stored?.data.spans.filter((s) => s.name === 'handle-request') ?? [];
    expect(stored?.data.spans).toHaveLength(1 + 1 + 2 * 3);
    expect(handlers.map((s) => [s.spanId, s.parentId])).toEqual([
      [reports[0]?.spanId, caller.spanId],
      [reports[1]?.spanId, retry?.spanId],
    ]);
    expect(stored?.info.requestTime).toBe(ms(caller.startTimeNs));
    const end = (stored?.info.requestTime ?? 0) + (stored?.info.executionDuration ?? 0);
    expect(Math.abs(end - ms(caller.endTimeNs))).toBeLessThanOrEqual(1);
    expect(stored?.info.tags['mlflow.traceName']).toBe('agent-loop');
  });
});
