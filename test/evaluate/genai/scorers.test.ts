import { beforeEach, describe, expect, it } from 'vitest';
import {
  evaluate,
  Feedback,
  flushTraces,
  getRun,
  getTrace,
  searchRuns,
  searchTraces,
  SpanType,
  withSpan,
  ErrorCode,
} from '../../../src/index.js';
import { type LoggedRequest } from '../../support/openai-server.js';
import { useFakeOpenAI } from '../../support/use-fake-openai.js';
import { askedText, codeScorer, miniJudge, verdict } from '../../support/judge-faults.js';
import { useTrackingSandbox } from '../../support/tracking-sandbox.js';

useTrackingSandbox();

const fake = useFakeOpenAI();
beforeEach(() => {
  fake.reset();
  // "yes" when the outputs mention Paris, "no" otherwise.
  fake.setDefault('chat/completions', (request: LoggedRequest) => verdict(askedText(request).includes('Paris') ? 'yes' : 'no', 'checked the capital'));
});

const rows = [
  { inputs: { question: 'Capital of France?' }, outputs: 'Paris', expectations: { expected_response: 'Paris' } },
  { inputs: { question: 'Capital of Italy?' }, outputs: 'Milan', expectations: { expected_response: 'Rome' } },
  { inputs: { question: 'Capital of Spain?' }, outputs: 'Madrid is the capital', expectations: { expected_response: 'Madrid' }, tags: { topic: 'geo' } },
];

const length = codeScorer('length', ({ outputs }) => String(outputs).length, ['min', 'max', 'mean']);

describe('evaluate() with scorers on static rows', () => {
  it('logs each scorer feedback and the expectations on a root_span trace per row, with run metrics and a result table', async () => {
    const judge = miniJudge({ name: 'correctness', baseURL: fake.baseURL });
    const result = await evaluate(null, rows, { scorers: [judge, length] });

    expect(result.metrics).toEqual({ 'correctness/mean': 1 / 3, 'length/min': 5, 'length/max': 21, 'length/mean': (5 + 5 + 21) / 3 });
    expect(result.judgeStats).toEqual({ calls: 3, cacheHits: 0, errors: 0 });
    const run = await getRun(result.runId as string);
    expect(run.data.metrics['correctness/mean']).toBeCloseTo(1 / 3);
    expect(JSON.parse(run.data.tags['mlflow.datasets'] ?? '[]')).toEqual([expect.objectContaining({ name: 'dataset', rows: 3 })]);

    const table = result.tables.eval_results ?? [];
    expect(result.resultTable).toBe(table);
    expect(table).toHaveLength(3);
    expect(Object.keys(table[0] ?? {})).toEqual(['trace_id', 'expected_response/value', 'correctness/value', 'length/value', 'request', 'response', 'state', 'error']);
    expect(table.map((r) => [r['correctness/value'], r['length/value'], r['expected_response/value'], r.response, r.state, r.error])).toEqual([
      ['yes', 5, 'Paris', 'Paris', 'OK', null],
      ['no', 5, 'Rome', 'Milan', 'OK', null],
      ['no', 21, 'Madrid', 'Madrid is the capital', 'OK', null],
    ]);

    const traces = await searchTraces({ runId: result.runId as string, filter: "tags.`mlflow.eval.requestId` LIKE '%'" });
    expect(traces).toHaveLength(3);
    for (const [i, row] of table.entries()) {
      const trace = await getTrace(row.trace_id as string);
      expect(trace).not.toBeNull();
      const root = trace?.rootSpan;
      expect(trace?.data.spans).toHaveLength(1);
      expect(root?.name).toBe('root_span');
      expect(root?.spanType).toBe(SpanType.CHAIN);
      expect(root?.inputs).toEqual(rows[i]?.inputs);
      expect(root?.outputs).toEqual(rows[i]?.outputs);
      expect(trace?.info.traceMetadata['mlflow.sourceRun']).toBe(result.runId);
      expect(trace?.info.tags['mlflow.eval.requestId']).toMatch(/^[0-9a-f-]{36}$/);
      const assessments = trace?.info.assessments ?? [];
      const byName = Object.fromEntries(assessments.map((a) => [a.name, a]));
      expect(Object.keys(byName).sort()).toEqual(['correctness', 'expected_response', 'length']);
      for (const a of assessments) {
        expect(a.spanId).toBe(root?.spanId);
        expect(a.metadata['mlflow.assessment.sourceRunId']).toBe(result.runId);
      }
      expect(byName.correctness).toMatchObject({
        kind: 'feedback',
        source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/judge' },
        value: row['correctness/value'],
        rationale: 'checked the capital',
        valid: true,
      });
      expect(byName.length).toMatchObject({ source: { sourceType: 'CODE', sourceId: 'length' }, value: row['length/value'] });
      expect(byName.expected_response).toMatchObject({ kind: 'expectation', source: { sourceType: 'HUMAN' }, value: rows[i]?.expectations.expected_response });

      // The judge call has a trace of its own, tagged with its scorer, named in the feedback's metadata.
      const judgeTraceId = byName.correctness?.metadata['mlflow.assessment.scorerTraceId'];
      expect(judgeTraceId).toMatch(/^tr-/);
      expect(judgeTraceId).not.toBe(row.trace_id);
      const judgeTrace = await getTrace(judgeTraceId as string);
      expect(judgeTrace?.info.tags['mlflow.trace.sourceScorer']).toBe('correctness');
      expect(judgeTrace?.rootSpan?.spanType).toBe(SpanType.EVALUATOR);
    }
    // Row tags are trace tags.
    expect((await getTrace(table[2]?.trace_id as string))?.info.tags.topic).toBe('geo');
  });

  it('maps plain columns to inputs, outputs and expectations', async () => {
    const data = { question: ['Capital of France?', 'Capital of Italy?'], answer: ['Paris', 'Rome'], truth: ['Paris', 'Rome'], source: ['a', 'b'] };
    const seen: unknown[] = [];
    const spy = codeScorer('exact', ({ inputs, outputs, expectations }) => {
      seen.push({ inputs, outputs, expectations });
      return outputs === expectations?.expected_response;
    });
    const result = await evaluate(null, data, { scorers: [spy], columns: { inputs: 'question', outputs: 'answer', expectations: { expected_response: 'truth' } } });
    expect(seen).toEqual([
      { inputs: { question: 'Capital of France?' }, outputs: 'Paris', expectations: { expected_response: 'Paris' } },
      { inputs: { question: 'Capital of Italy?' }, outputs: 'Rome', expectations: { expected_response: 'Rome' } },
    ]);
    expect(result.metrics).toEqual({ 'exact/mean': 1 });

    // Without an inputs mapping, every column not used otherwise is an input.
    seen.length = 0;
    await evaluate(null, data, { scorers: [spy], columns: { outputs: 'answer', expectations: ['truth'] } });
    expect(seen[0]).toEqual({ inputs: { question: 'Capital of France?', source: 'a' }, outputs: 'Paris', expectations: { truth: 'Paris' } });
  });

  it('gives a scorer that throws a SCORER_ERROR feedback with message and stack; the other scorers still run', async () => {
    const broken = codeScorer('broken', () => {
      throw new RangeError('no expected_facts');
    });
    const wrongShape: typeof length = { ...length, name: 'wrong_shape', score: async () => 'yes' as never };
    const result = await evaluate(null, rows, { scorers: [broken, length, wrongShape] });
    expect(result.metrics).toEqual({ 'length/min': 5, 'length/max': 21, 'length/mean': 31 / 3 });
    expect(result.judgeStats?.errors).toBe(6);
    const trace = await getTrace(result.tables.eval_results?.[0]?.trace_id as string);
    const error = trace?.info.assessments?.find((a) => a.name === 'broken');
    expect(error).toMatchObject({ kind: 'feedback', value: null, source: { sourceType: 'CODE', sourceId: 'broken' } });
    expect(error?.error?.errorCode).toBe('SCORER_ERROR');
    expect(error?.error?.errorMessage).toBe('no expected_facts');
    expect(error?.error?.stackTrace).toContain('RangeError: no expected_facts');
    const shape = trace?.info.assessments?.find((a) => a.name === 'wrong_shape');
    expect(shape?.error?.errorMessage).toContain('must resolve to a list of Feedback');
    expect(result.tables.eval_results?.[0]?.['broken/value']).toBeNull();
  });

  it('aggregates per feedback name with MLflow casting rules and the scorer aggregations', async () => {
    function doubleMax(values: readonly number[]): number {
      return Math.max(...values) * 2;
    }
    const multi = codeScorer(
      'multi',
      ({ outputs }) => [
        new Feedback({ name: 'multi', value: outputs === 'Paris' }),
        new Feedback({ name: 'multi/precision', value: outputs === 'Paris' ? 1 : 0.5 }),
        new Feedback({ name: 'label', value: outputs === 'Paris' ? 'YES' : 'No' }),
        new Feedback({ name: 'free_text', value: 'not a number' }),
      ],
      ['mean', 'p90', doubleMax],
    );
    const none = codeScorer('silent', () => 3, []);
    const result = await evaluate(null, rows, { scorers: [multi, none] });
    expect(result.metrics['multi/mean']).toBeCloseTo(1 / 3);
    expect(result.metrics['multi/p90']).toBeCloseTo(0.8);
    expect(result.metrics['multi/doubleMax']).toBe(2);
    // "multi/precision": the scorer after the first "/" is "precision" (none) → mean only.
    expect(result.metrics['multi/precision/mean']).toBeCloseTo(2 / 3);
    expect(result.metrics['multi/precision/p90']).toBeUndefined();
    expect(result.metrics['label/mean']).toBeCloseTo(1 / 3);
    expect(Object.keys(result.metrics).some((k) => k.startsWith('free_text') || k.startsWith('silent'))).toBe(false);
    expect(result.tables.eval_results?.[0]?.['free_text/value']).toBe('not a number');
  });

  it('re-uses judge replies from the store cache on a second evaluate, and cache: false bypasses it', async () => {
    const judge = miniJudge({ name: 'correctness', baseURL: fake.baseURL });
    const first = await evaluate(null, rows, { scorers: [judge] });
    expect(fake.requestsTo('chat/completions')).toHaveLength(3);
    expect(first.judgeStats).toEqual({ calls: 3, cacheHits: 0, errors: 0 });

    const second = await evaluate(null, rows, { scorers: [judge] });
    expect(fake.requestsTo('chat/completions')).toHaveLength(3);
    expect(second.judgeStats).toEqual({ calls: 0, cacheHits: 3, errors: 0 });
    expect(second.metrics).toEqual(first.metrics);

    const third = await evaluate(null, rows, { scorers: [judge], cache: false });
    expect(fake.requestsTo('chat/completions')).toHaveLength(6);
    expect(third.judgeStats).toEqual({ calls: 3, cacheHits: 0, errors: 0 });
  });

  it('reports progress in rows and judge calls', async () => {
    const events: { done: number; total: number; phase?: string; judgeCalls?: number; cacheHits?: number }[] = [];
    await evaluate(null, rows, { scorers: [miniJudge({ name: 'correctness', baseURL: fake.baseURL }), length], onProgress: (p) => events.push({ ...p }) });
    expect(events.at(-1)).toEqual({ done: 3, total: 3, phase: 'done', judgeCalls: 3, cacheHits: 0 });
    expect(events.filter((e) => e.phase === 'rows').map((e) => e.done)).toContain(1);
    expect(Math.max(...events.map((e) => e.judgeCalls ?? 0))).toBe(3);
    // A progress callback that throws does not stop the evaluation.
    await expect(evaluate(null, rows, { scorers: [length], onProgress: () => { throw new Error('display'); } })).resolves.toBeDefined();
  });

  it('logs into the active run, or the given one', async () => {
    const { withRun } = await import('../../../src/index.js');
    const inRun = await withRun(async (run) => {
      const result = await evaluate(null, rows, { scorers: [length] });
      expect(result.runId).toBe(run.info.runId);
      return run.info.runId;
    });
    const given = await evaluate(null, rows, { scorers: [length], runId: inRun });
    expect(given.runId).toBe(inRun);
    const traces = await searchTraces({ runId: inRun });
    expect(traces).toHaveLength(6);
  });

  it('refuses bad scorers and data before anything is logged', async () => {
    const bad: [unknown, unknown, RegExp][] = [
      [rows, [], /non-empty array of scorers/],
      [rows, [[length]], /is an array: pass one flat list/],
      [rows, [() => length], /is a function, not a scorer/],
      [rows, [{ name: 'x' }], /is not a scorer/],
      [rows, [length, length], /Two scorers are named "length"/],
      [[], [length], /no rows/],
      [[{ outputs: 'x' }], [length], /neither inputs nor a trace/],
      [[{ inputs: 'plain text' }], [length], /must be an object/],
      [[{ inputs: { q: 1 }, answer: 2 }], [length], /GenAI rows have/],
    ];
    for (const [data, scorers, message] of bad) {
      await expect(evaluate(null, data as never, { scorers: scorers as never })).rejects.toThrow(message);
    }
    await expect(evaluate(async () => 'x', rows, { scorers: [length] })).rejects.toThrow(/has outputs and a model was given/);
    await expect(evaluate({ predict: () => [] } as never, [{ inputs: { q: 1 } }], { scorers: [length] })).rejects.toThrow(/must be a function called once per row/);
    await expect(evaluate(null, rows, { scorers: [length], concurrency: { scorers: 0 } })).rejects.toMatchObject({ code: ErrorCode.INVALID_PARAMETER_VALUE });
    await expect(evaluate(null, rows, { scorers: [length], modelType: 'nope' as never })).rejects.toThrow(/Unknown modelType/);
    expect(await searchRuns({})).toEqual([]);
    await flushTraces();
    expect(await searchTraces({})).toEqual([]);
  });

  it('checks the options of the built-in evaluators (modelType, extraMetrics) before any model or judge call', async () => {
    let modelCalls = 0;
    const model = async (): Promise<string> => {
      modelCalls += 1;
      return 'Paris';
    };
    let scored = 0;
    const counted = codeScorer('counted', () => {
      scored += 1;
      return 1;
    });
    const judge = miniJudge({ name: 'correctness', baseURL: fake.baseURL });
    const plain = { question: ['Capital of France?', 'Capital of Italy?'], truth: ['Paris', 'Rome'] };
    const columns = { inputs: 'question' };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ extraMetrics: [{}] }, /following metrics have the wrong type/],
      [{ modelType: 'question-answering', targets: 'nope' }, /targets column "nope" is not in the data/],
      [{ modelType: 'question-answering', evaluatorConfig: { colMapping: { truth: 'nope' } }, targets: 'truth' }, /targets column "nope"/],
      [{ modelType: 'question-answering', featureNames: ['question', 'nope'] }, /feature column "nope" is not in the data/],
      [{ modelType: 'question-answering', batchSize: 0 }, /batchSize must be a whole number/],
      [{ modelType: 'question-answering', evaluatorConfig: 'metric_prefix' }, /evaluatorConfig/],
      [{ modelType: 'question-answering', evaluators: ['nope'] }, /Unknown evaluator "nope"/],
      [{ modelType: 'classifier', targets: 'truth', probabilities: 'nope' }, /probabilities column "nope" is not in the data/],
    ];
    for (const [options, message] of bad) {
      await expect(evaluate(model, plain, { scorers: [counted, judge], columns, ...options } as never), JSON.stringify(options)).rejects.toThrow(message);
    }
    // GenAI rows: their inputs and expectations are the columns; stored traces' ones too.
    await expect(evaluate(null, rows, { scorers: [counted, judge], modelType: 'question-answering', targets: 'truth' })).rejects.toThrow(
      /targets column "truth" is not in the data. Columns: "question", "expected_response", "outputs"/,
    );
    expect([modelCalls, scored]).toEqual([0, 0]);
    expect(fake.requestsTo('chat/completions')).toEqual([]);
    expect(await searchRuns({})).toEqual([]);
    await flushTraces();
    expect(await searchTraces({})).toEqual([]);
    // The same checks let good options through.
    const result = await evaluate(model, plain, { scorers: [counted], columns, modelType: 'question-answering', targets: 'truth', featureNames: ['question'] });
    expect(result.metrics['exact_match/v1']).toBe(0.5);
    expect(await evaluate(null, rows, { scorers: [counted], modelType: 'question-answering', targets: 'expected_response' })).toBeDefined();
  });

  it('builds the row trace inside the run even when called inside a traced function', async () => {
    const result = await withSpan(() => evaluate(null, rows.slice(0, 1), { scorers: [length] }), { name: 'outer' });
    await flushTraces();
    const trace = await getTrace(result.tables.eval_results?.[0]?.trace_id as string);
    expect(trace?.data.spans.map((s) => s.name)).toEqual(['root_span']);
  });
});
