import { describe, expect, it } from 'vitest';
import {
  deleteTraceTag,
  ErrorCode,
  flushTraces,
  getTrace,
  searchTraces,
  setExperiment,
  setTraceTag,
  SpanType,
  trace,
  tracing,
  updateCurrentTrace,
  withRun,
  withSpan,
} from '../../src/index.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

const retrieve = trace(async function retrieve(query: string) {
  return [`doc:${query}`];
}, { spanType: SpanType.RETRIEVER });

const answer = trace(async function answer(question: string, fail = false) {
  const docs = await retrieve(question);
  updateCurrentTrace({ tags: { topic: question.split(' ')[0] ?? '' } });
  if (fail) throw new Error('no answer');
  return withSpan(() => `answer from ${docs.length} docs`, { name: 'generate', spanType: SpanType.LLM });
});

describe('traces in the embedded store', () => {
  it('stores traces that getTrace reads back in MLflow’s shape', async () => {
    tracing.setDestination({});
    await answer('cats are great');
    await flushTraces();
    const [found] = await searchTraces({ maxResults: 1 });
    const stored = await getTrace(found?.info.traceId ?? '');
    expect(stored?.info).toMatchObject({ state: 'OK', experimentId: '0', tags: expect.objectContaining({ topic: 'cats', 'mlflow.traceName': 'answer' }) });
    expect(stored?.data.spans.map((s) => s.name)).toEqual(['answer', 'retrieve', 'generate']);
    expect(stored?.rootSpan?.name).toBe('answer');
    expect(stored?.data.spans[1]?.spanType).toBe('RETRIEVER');
    expect(stored?.data.spans[1]?.inputs).toEqual({ query: 'cats are great' });
    expect(stored?.data.spans[1]?.outputs).toEqual(['doc:cats are great']);
    const json = stored?.toJSON();
    expect(json?.info).toMatchObject({
      trace_id: stored?.info.traceId,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
      state: 'OK',
    });
    expect(json?.info.execution_duration).toMatch(/^\d+(\.\d+)?s$/);
    expect(json?.data.spans[0]).toMatchObject({ name: 'answer', parent_span_id: '', status: { code: 'STATUS_CODE_OK', message: '' } });
    expect(Buffer.from(String(json?.data.spans[0]?.span_id), 'base64')).toHaveLength(8);
    expect(await getTrace('tr-00000000000000000000000000000000')).toBeNull();
  });

  it('searches by status, tag, span type and name, ordered, in the active experiment', async () => {
    const experiment = await setExperiment('traced-app');
    const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 3));
    // Request times are in milliseconds: apart, so that the order is defined.
    await answer('dogs bark');
    await tick();
    await answer('cats purr');
    await tick();
    await expect(answer('fish swim', true)).rejects.toThrow('no answer');
    await flushTraces();
    const names = async (filter: string, orderBy?: string[]): Promise<string[]> =>
      (await searchTraces({ filter, ...(orderBy && { orderBy }) })).map((t) => t.info.tags.topic ?? '');
    expect(await names("trace.status = 'ERROR'")).toEqual(['fish']);
    expect((await names("trace.status = 'OK'")).sort()).toEqual(['cats', 'dogs']);
    expect(await names("tags.topic = 'cats'")).toEqual(['cats']);
    expect((await names("span.type = 'LLM'")).sort()).toEqual(['cats', 'dogs']);
    expect(await names("span.name = 'generate' AND tags.topic LIKE 'd%'")).toEqual(['dogs']);
    expect(await names('trace.timestamp_ms > 0', ['timestamp_ms ASC'])).toEqual(['dogs', 'cats', 'fish']);
    expect(await names('', ['timestamp_ms DESC'])).toEqual(['fish', 'cats', 'dogs']);
    expect((await searchTraces({ experimentIds: ['0'] })).length).toBe(0);
    expect((await searchTraces({ experimentIds: [experiment.experimentId] })).length).toBe(3);
    await expect(searchTraces({ filter: "trace.status >> 'OK'" })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
  });

  it('finds the traces of a run', async () => {
    const run = await withRun(async (r) => {
      await answer('inside run');
      return r;
    });
    await answer('outside run');
    await flushTraces();
    const inRun = await searchTraces({ runId: run.info.runId });
    expect(inRun.map((t) => t.info.tags.topic)).toEqual(['inside']);
  });

  it('sets and deletes tags on a stored trace', async () => {
    await answer('tag me');
    await flushTraces();
    const [stored] = await searchTraces();
    const id = stored?.info.traceId ?? '';
    await setTraceTag(id, 'reviewed', 'yes');
    expect((await getTrace(id))?.info.tags.reviewed).toBe('yes');
    await deleteTraceTag(id, 'reviewed');
    expect((await getTrace(id))?.info.tags.reviewed).toBeUndefined();
    await expect(setTraceTag('tr-ffffffffffffffffffffffffffffffff', 'a', 'b')).rejects.toMatchObject({ code: ErrorCode.RESOURCE_DOES_NOT_EXIST });
    await expect(setTraceTag(id, '', 'b')).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
  });
});
