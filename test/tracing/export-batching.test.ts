// How finished traces leave the pipeline: span processors run when the root ends, traces that finish close together
// reach exporters in one batch, and nothing waits for flushTraces() to be exported.
import { afterEach, describe, expect, it } from 'vitest';
import { createExperiment, flushTraces, searchTraces, tracing, tracingContext, withSpan, type TraceExporter, type TraceRecord } from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

afterEach(async () => {
  await flushTraces();
  tracing.setDestination({});
  tracing.configure({ spanProcessors: [] });
  delete process.env.EVALFLOW_EXPERIMENT_ID;
});

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('exporting finished traces', () => {
  it('hands traces that finish together to exportBatch in one call, and export() one by one otherwise', async () => {
    const batches: string[][] = [];
    const single: string[] = [];
    const batching: TraceExporter = {
      name: 'batching',
      export: async () => {
        throw new Error('exportBatch should be used');
      },
      exportBatch: async (traces) => void batches.push(traces.map((t) => t.data.spans[0]?.name ?? '')),
    };
    const plain: TraceExporter = { name: 'plain', export: async (t) => void single.push(t.data.spans[0]?.name ?? '') };
    tracing.setDestination({ store: false, exporters: [batching, plain] });
    for (const name of ['a', 'b', 'c']) withSpan(() => name, { name });
    await flushTraces();
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(single).toEqual(['a', 'b', 'c']);
  });

  it('sends a full batch (512 traces) on the next turn, never inside the span end of the caller', async () => {
    const sizes: number[] = [];
    tracing.setDestination({ store: false, exporters: [{ name: 'sizes', export: async () => undefined, exportBatch: async (t) => void sizes.push(t.length) }] });
    for (let i = 0; i < 600; i += 1) withSpan(() => i, { name: `t${i}` });
    expect(sizes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
    await flushTraces();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
  });

  it('exports without flushTraces() shortly after the traces finish', async () => {
    const got: TraceRecord[] = [];
    tracing.setDestination({ store: false, exporters: [{ name: 'memory', export: async (t) => void got.push(t) }] });
    withSpan(() => 'x', { name: 'unflushed' });
    await until(() => got.length > 0);
    expect(got.map((t) => t.data.spans[0]?.name)).toEqual(['unflushed']);
  });

  it('runs span processors when the root ends, before the trace waits for its batch', async () => {
    const seen: string[] = [];
    tracing.setDestination({ store: false, exporters: [{ name: 'memory', export: async () => undefined }] });
    tracing.configure({ spanProcessors: [(span) => void seen.push(span.name)] });
    withSpan(() => withSpan(() => 'inner', { name: 'child' }), { name: 'root' });
    expect(seen.sort()).toEqual(['child', 'root']);
  });

  it('stores traces started with no experiment in code in the one of EVALFLOW_EXPERIMENT_ID', async () => {
    const experimentId = await createExperiment('from-env');
    process.env.EVALFLOW_EXPERIMENT_ID = experimentId;
    withSpan(() => 'x', { name: 'env-experiment' });
    await flushTraces();
    const found = await searchTraces({ experimentIds: [experimentId] });
    expect(found.map((t) => t.info.experimentId)).toEqual([experimentId]);
    expect(await searchTraces({ experimentIds: ['0'] })).toHaveLength(0);
  });

  it('keeps the other traces of a batch when the store rejects one of them', async () => {
    const batchSizes: number[] = [];
    tracing.setDestination({ exporters: [{ name: 'count', export: async () => undefined, exportBatch: async (t) => void batchSizes.push(t.length) }] });
    withSpan(() => 'x', { name: 'good-1' });
    tracingContext({ experimentId: '987654' }, () => withSpan(() => 'x', { name: 'bad' }));
    withSpan(() => 'x', { name: 'good-2' });
    await flushTraces();
    expect(batchSizes).toEqual([3]);
    const names = (await searchTraces({ experimentIds: ['0'] })).map((t) => t.info.tags['mlflow.traceName']);
    expect(names.sort()).toEqual(['good-1', 'good-2']);
  });

  it('sends traces finished before setDestination() to the destination of their time', async () => {
    const first: string[] = [];
    const second: string[] = [];
    tracing.setDestination({ store: false, exporters: [{ name: 'first', export: async (t) => void first.push(t.data.spans[0]?.name ?? '') }] });
    withSpan(() => 'x', { name: 'before' });
    tracing.setDestination({ store: false, exporters: [{ name: 'second', export: async (t) => void second.push(t.data.spans[0]?.name ?? '') }] });
    withSpan(() => 'x', { name: 'after' });
    await flushTraces();
    expect(first).toEqual(['before']);
    expect(second).toEqual(['after']);
  });
});
