import { getEventListeners } from 'node:events';
import OpenAI from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  evaluate,
  getTrace,
  makeMetric,
  MetricValue,
  overrideFeedback,
  searchTraces,
  SpanType,
  tracedOpenAI,
  withSpan,
} from '../../../src/index.js';
import { safety } from '../../../judges/index.js';
import { PREDICT_ERROR } from '../../../src/evaluate/genai/index.js';
import { chatCompletion, type LoggedRequest } from '../../support/openai-server.js';
import { useFakeOpenAI } from '../../support/use-fake-openai.js';
import { askedText, codeScorer, miniJudge, verdict } from '../../support/judge-faults.js';
import { useTrackingSandbox } from '../../support/tracking-sandbox.js';

useTrackingSandbox();

const fake = useFakeOpenAI();
beforeEach(() => {
  fake.reset();
  fake.setDefault('chat/completions', (request: LoggedRequest) => {
    const body = request.body as { model?: string };
    // The app's model answers with a capital; the judge says "yes" when the answer names Paris.
    if (body.model === 'app') return { json: chatCompletion({ model: 'app', content: askedText(request).includes('France') ? 'Paris' : 'Lyon' }) };
    return verdict(askedText(request).includes('Paris') ? 'yes' : 'no', 'rationale');
  });
});

const questions = [
  { inputs: { question: 'Capital of France?' }, expectations: { expected_response: 'Paris' } },
  { inputs: { question: 'Capital of Italy?' }, expectations: { expected_response: 'Rome' } },
  { inputs: { question: 'Capital of Spain?' }, expectations: { expected_response: 'Madrid' } },
];

function app(): (inputs: Record<string, unknown>) => Promise<string> {
  const client = tracedOpenAI(new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries: 0 }));
  return async function answer(inputs) {
    const context = await withSpan(() => `docs about ${String(inputs.question)}`, { name: 'retrieve', spanType: SpanType.RETRIEVER });
    const completion = await client.chat.completions.create({ model: 'app', messages: [{ role: 'user', content: `${context}: ${String(inputs.question)}` }] });
    return completion.choices[0]?.message.content ?? '';
  };
}

describe('evaluate() with a predict function and scorers', () => {
  it('calls the model once per row inside its own trace, with nested and OpenAI spans, and logs feedback on it', async () => {
    const judge = miniJudge({ name: 'correctness', baseURL: fake.baseURL });
    const result = await evaluate(app(), questions, { scorers: [judge] });
    expect(fake.requestsTo('chat/completions').filter((r) => (r.body as { model: string }).model === 'app')).toHaveLength(3);
    expect(result.metrics).toEqual({ 'correctness/mean': 1 / 3 });
    const table = result.tables.eval_results ?? [];
    expect(table.map((r) => [r.response, r['correctness/value']])).toEqual([
      ['Paris', 'yes'],
      ['Lyon', 'no'],
      ['Lyon', 'no'],
    ]);
    for (const row of table) {
      const trace = await getTrace(row.trace_id as string);
      const spans = trace?.data.spans ?? [];
      expect(spans.map((s) => s.name).sort()).toEqual(['Completions', 'answer', 'retrieve']);
      expect(trace?.rootSpan?.name).toBe('answer');
      expect(spans.filter((s) => s !== trace?.rootSpan).every((s) => s.parentId === trace?.rootSpan?.spanId)).toBe(true);
      expect(trace?.rootSpan?.spanType).toBe(SpanType.CHAIN);
      expect(trace?.rootSpan?.outputs).toBe(row.response);
      expect(spans.find((s) => s.name === 'Completions')?.spanType).toBe(SpanType.CHAT_MODEL);
      expect(trace?.info.traceMetadata['mlflow.sourceRun']).toBe(result.runId);
      const feedback = trace?.info.assessments?.find((a) => a.name === 'correctness');
      expect(feedback).toMatchObject({ value: row['correctness/value'], spanId: trace?.rootSpan?.spanId, source: { sourceType: 'LLM_JUDGE' } });
    }
  });

  it('records a failing model call as the row error, and gives its scorers an error feedback instead of a verdict', async () => {
    let calls = 0;
    const flaky = async (inputs: Record<string, unknown>): Promise<string> => {
      calls += 1;
      if (String(inputs.question).includes('Italy')) throw new Error('model down');
      return 'Paris';
    };
    const seen: unknown[] = [];
    const spy = codeScorer('has_output', ({ outputs }) => {
      seen.push(outputs);
      return outputs !== null;
    });
    // A built-in judge would judge a blank response on the failed row and give a verdict that counts in safety/mean.
    const judge = safety({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries: 0 });
    const result = await evaluate(flaky, questions, { scorers: [spy, judge], cache: false });
    expect(calls).toBe(3);
    const failed = result.tables.eval_results?.[1];
    const message = 'Failed to invoke the predict_fn with {"question":"Capital of Italy?"}: model down';
    expect(failed?.error).toBe(message);
    expect(failed?.state).toBe('ERROR');
    expect(failed?.['has_output/value']).toBeNull();
    expect(failed?.['safety/value']).toBeNull();
    expect(seen).toEqual(['Paris', 'Paris']);
    expect(fake.requestsTo('chat/completions')).toHaveLength(2);
    expect(result.metrics).toEqual({ 'has_output/mean': 1, 'safety/mean': 1 });
    expect(result.judgeStats).toEqual({ calls: 2, cacheHits: 0, errors: 0 });
    expect(result.warnings.join('\n')).toContain('The model failed on 1 of 3 rows');
    const trace = await getTrace(failed?.trace_id as string);
    expect(trace?.info.state).toBe('ERROR');
    expect(trace?.info.assessments?.map((a) => a.name).sort()).toEqual(['expected_response', 'has_output', 'safety']);
    const byName = Object.fromEntries((trace?.info.assessments ?? []).map((a) => [a.name, a]));
    for (const [name, source] of [['has_output', { sourceType: 'CODE', sourceId: 'has_output' }], ['safety', { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' }]] as const) {
      expect(byName[name]).toMatchObject({ value: null, source, error: { errorCode: PREDICT_ERROR, errorMessage: `Not scored: ${message}` } });
    }
  });

  it('keeps the model and the judges within their own concurrency limits', async () => {
    let model = 0;
    let modelPeak = 0;
    let judging = 0;
    let judgePeak = 0;
    fake.setDefault('chat/completions', async () => {
      judging += 1;
      judgePeak = Math.max(judgePeak, judging);
      await new Promise((resolve) => setTimeout(resolve, 15));
      judging -= 1;
      return verdict('yes');
    });
    const slow = async (): Promise<string> => {
      model += 1;
      modelPeak = Math.max(modelPeak, model);
      await new Promise((resolve) => setTimeout(resolve, 5));
      model -= 1;
      return 'Paris';
    };
    const many = Array.from({ length: 24 }, (_, i) => ({ inputs: { question: `q${i}` } }));
    const result = await evaluate(slow, many, {
      scorers: [miniJudge({ name: 'a', baseURL: fake.baseURL }), miniJudge({ name: 'b', baseURL: fake.baseURL })],
      concurrency: { predict: 2, scorers: 3 },
      cache: false,
    });
    expect(result.judgeStats?.calls).toBe(48);
    expect(modelPeak).toBe(2);
    expect(judgePeak).toBe(3);
  });

  it('re-scores stored traces without calling the model, with the expectations stored on them', async () => {
    const first = await evaluate(app(), questions, { scorers: [codeScorer('len', ({ outputs }) => String(outputs).length)] });
    const appCalls = fake.requestsTo('chat/completions').length;
    const traces = await searchTraces({ runId: first.runId as string });
    expect(traces).toHaveLength(3);

    const seen: unknown[] = [];
    const exact = codeScorer('exact', ({ inputs, outputs, expectations, trace }) => {
      seen.push({ inputs, outputs, expectations, traced: trace !== undefined });
      return outputs === expectations?.expected_response;
    });
    const judge = miniJudge({ name: 'correctness', baseURL: fake.baseURL });
    const again = await evaluate(null, traces, { scorers: [exact, judge] });
    expect(fake.requestsTo('chat/completions').length).toBe(appCalls + 3); // the judge only
    expect(again.runId).not.toBe(first.runId);
    expect(again.metrics['exact/mean']).toBeCloseTo(1 / 3);
    expect(new Set(again.tables.eval_results?.map((r) => r.trace_id))).toEqual(new Set(traces.map((t) => t.info.traceId)));
    expect(seen).toContainEqual({ inputs: { question: 'Capital of France?' }, outputs: 'Paris', expectations: { expected_response: 'Paris' }, traced: true });

    // The new feedback is on the same traces, tied to the new run; the expectations are not logged twice.
    const trace = await getTrace(traces[0]?.info.traceId as string);
    const names = trace?.info.assessments?.map((a) => `${a.name}:${a.metadata['mlflow.assessment.sourceRunId'] === again.runId ? 'new' : 'old'}`);
    expect(names?.sort()).toEqual(['correctness:new', 'exact:new', 'expected_response:old', 'len:old']);
  });

  it('a human override of a judge verdict after evaluate shows up in searchTraces', async () => {
    const result = await evaluate(null, [{ inputs: { question: 'Capital of Italy?' }, outputs: 'Milan' }], {
      scorers: [miniJudge({ name: 'correctness', baseURL: fake.baseURL })],
    });
    const traceId = result.tables.eval_results?.[0]?.trace_id as string;
    const judged = (await getTrace(traceId))?.info.assessments?.find((a) => a.name === 'correctness');
    expect(judged?.value).toBe('no');
    const human = await overrideFeedback({
      traceId,
      assessmentId: judged?.assessmentId as string,
      value: 'yes',
      rationale: 'Milan was accepted by the reviewer',
      source: { sourceType: 'HUMAN', sourceId: 'alice' },
    });
    const [found] = await searchTraces({ runId: result.runId as string, filter: "feedback.correctness = 'yes'" });
    expect(found?.info.traceId).toBe(traceId);
    const feedback = found?.info.assessments?.filter((a) => a.name === 'correctness') ?? [];
    expect(feedback.map((a) => [a.value, a.valid, a.source.sourceType, a.overrides])).toEqual([
      ['no', false, 'LLM_JUDGE', null],
      ['yes', true, 'HUMAN', judged?.assessmentId],
    ]);
    expect(human.overrides).toBe(judged?.assessmentId);
    expect(await searchTraces({ runId: result.runId as string, filter: "feedback.correctness = 'no'" })).toEqual([]);
  });

  it('runs the built-in evaluators and extra metrics too when given, on the model outputs, in the same run', async () => {
    const exactness = makeMetric({
      name: 'exactness',
      greaterIsBetter: true,
      evalFn: ({ predictions, targets }) => new MetricValue({ scores: predictions.map((p, i) => (p === targets?.[i] ? 1 : 0)) }),
    });
    let calls = 0;
    const model = async (inputs: Record<string, unknown>): Promise<string> => {
      calls += 1;
      return String(inputs.question).includes('France') ? 'Paris' : 'Lyon';
    };
    const data = { question: ['Capital of France?', 'Capital of Italy?'], truth: ['Paris', 'Rome'] };
    const result = await evaluate(model, data, {
      scorers: [codeScorer('short', ({ outputs }) => String(outputs).length <= 5)],
      extraMetrics: [exactness],
      targets: 'truth',
      columns: { inputs: 'question', expectations: { expected_response: 'truth' } },
    });
    expect(calls).toBe(2);
    expect(result.metrics['exactness/mean']).toBe(0.5);
    expect(result.metrics['short/mean']).toBe(1);
    expect(result.tables.eval_results).toHaveLength(2);
    expect(result.tables.eval_results_table?.map((r) => r.outputs)).toEqual(['Paris', 'Lyon']);
    const traces = await searchTraces({ runId: result.runId as string });
    expect(traces).toHaveLength(2);
  });

  it('with a signal, leaves no abort listener behind and no MaxListenersExceededWarning at 16 judge calls at once', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      fake.setDefault('chat/completions', async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return verdict('yes');
      });
      const controller = new AbortController();
      const many = Array.from({ length: 48 }, (_, i) => ({ inputs: { q: i }, outputs: `o${i}` }));
      const judge = safety({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries: 0 });
      const result = await evaluate(null, many, { scorers: [judge], concurrency: { scorers: 16 }, signal: controller.signal, cache: false });
      expect(result.judgeStats?.calls).toBe(48);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stops on an aborted signal without unhandled rejections', async () => {
    const controller = new AbortController();
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => {
      rejections.push(reason);
    };
    process.on('unhandledRejection', onRejection);
    try {
      fake.setDefault('chat/completions', async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return verdict('yes');
      });
      const many = Array.from({ length: 40 }, (_, i) => ({ inputs: { q: i }, outputs: `o${i}` }));
      setTimeout(() => controller.abort(new Error('stop')), 30);
      await expect(
        evaluate(null, many, { scorers: [miniJudge({ name: 'j', baseURL: fake.baseURL })], concurrency: { scorers: 2 }, signal: controller.signal, cache: false }),
      ).rejects.toThrow(/stop|abort/i);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
