// evaluate() with the judges library (evalflow/judges): built-in judges, makeJudge and scorer() on a small RAG
// function, against the local OpenAI-compatible server.
import OpenAI from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { createExperiment, evaluate, getTrace, SpanType, tracedOpenAI, withRun, withSpan } from '../../../src/index.js';
import { correctness, makeJudge, retrievalGroundedness, safety, scorer } from '../../../judges/index.js';
import { chatCompletion, type LoggedRequest } from '../../support/openai-server.js';
import { useFakeOpenAI } from '../../support/use-fake-openai.js';
import { askedText, verdict } from '../../support/judge-faults.js';
import { useTrackingSandbox } from '../../support/tracking-sandbox.js';

useTrackingSandbox();

const fake = useFakeOpenAI();
beforeEach(() => {
  fake.reset();
  fake.setDefault('chat/completions', (request: LoggedRequest) => {
    const body = request.body as { model?: string };
    if (body.model === 'app') return { json: chatCompletion({ model: 'app', content: askedText(request).includes('Paris') ? 'Paris is the capital of France.' : 'I do not know.' }) };
    // Judges: "no" for answers that do not know, "yes" otherwise.
    const all = JSON.stringify(request.body);
    return verdict(all.includes('I do not know') ? 'no' : 'yes', 'judged');
  });
});

const DOCS: Record<string, string> = { France: 'Paris is the capital of France.', Peru: 'Lima is the capital of Peru.' };

describe('evaluate() with built-in judges, makeJudge and scorer()', () => {
  it('scores a RAG function: feedback on the row trace (retrieval groundedness on its retriever span), judge traces linked', async () => {
    const client = tracedOpenAI(new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries: 0 }));
    async function rag(inputs: Record<string, unknown>): Promise<string> {
      const question = String(inputs.question);
      const docs = await withSpan(
        () => Object.entries(DOCS).filter(([country]) => question.includes(country)).map(([, text]) => ({ page_content: text, metadata: { doc_uri: 'kb' } })),
        { name: 'retrieve', spanType: SpanType.RETRIEVER, inputs: { question } },
      );
      const completion = await client.chat.completions.create({ model: 'app', messages: [{ role: 'user', content: `${docs.map((d) => d.page_content).join('\n')}\n${question}` }] });
      return completion.choices[0]?.message.content ?? '';
    }
    const connection = { model: 'openai:/judge', baseURL: fake.baseURL, apiKey: 'sk-test' };
    const concise = makeJudge({ ...connection, name: 'concise', instructions: 'Is {{ outputs }} one short sentence?', feedbackValueType: 'yes/no', aggregations: ['mean'] });
    const words = scorer(({ outputs }) => String(outputs).split(/\s+/).length, { name: 'words' });
    const data = [
      { inputs: { question: 'What is the capital of France?' }, expectations: { expected_response: 'Paris' } },
      { inputs: { question: 'What is the capital of Chile?' }, expectations: { expected_response: 'Santiago' } },
    ];
    const result = await evaluate(rag, data, {
      scorers: [correctness(connection), safety(connection), retrievalGroundedness(connection), concise, words],
    });
    expect(result.metrics['correctness/mean']).toBe(0.5);
    expect(result.metrics['safety/mean']).toBe(0.5);
    expect(result.metrics['concise/mean']).toBe(0.5);
    expect(result.metrics['words/mean']).toBe(5);
    // Chile has no document: retrieval groundedness has nothing to judge there (an error feedback, never a verdict).
    expect(result.judgeStats?.calls).toBeGreaterThanOrEqual(7);
    const [france] = result.tables.eval_results ?? [];
    expect(france).toMatchObject({ 'correctness/value': 'yes', 'safety/value': 'yes', 'concise/value': 'yes', 'words/value': 6, 'expected_response/value': 'Paris' });

    const trace = await getTrace(france?.trace_id as string);
    const retriever = trace?.searchSpans({ spanType: SpanType.RETRIEVER })[0];
    const byName = Object.fromEntries((trace?.info.assessments ?? []).map((a) => [a.name, a]));
    expect(byName.correctness).toMatchObject({ value: 'yes', source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/judge' }, spanId: trace?.rootSpan?.spanId });
    expect(byName.retrieval_groundedness).toMatchObject({ value: 'yes', spanId: retriever?.spanId });
    expect(byName.words).toMatchObject({ value: 6, source: { sourceType: 'CODE', sourceId: 'words' } });
    for (const name of ['correctness', 'safety', 'retrieval_groundedness', 'concise']) {
      const judgeTrace = await getTrace(byName[name]?.metadata['mlflow.assessment.scorerTraceId'] as string);
      expect(judgeTrace?.info.tags['mlflow.trace.sourceScorer'], name).toBe(name);
      expect(byName[name]?.metadata['mlflow.assessment.sourceRunId']).toBe(result.runId);
    }
  });

  it('with a runId (no active run), logs the judge traces in that run’s experiment, linked to the run like the row traces', async () => {
    const experimentId = await createExperiment('judged elsewhere');
    const runId = await withRun({ experimentId }, async (run) => run.info.runId);
    const connection = { model: 'openai:/judge', baseURL: fake.baseURL, apiKey: 'sk-test' };
    const result = await evaluate(null, [{ inputs: { question: 'Capital of France?' }, outputs: 'Paris.' }], { scorers: [safety(connection)], runId, cache: false });
    expect(result.runId).toBe(runId);
    const row = await getTrace(result.tables.eval_results?.[0]?.trace_id as string);
    expect(row?.info).toMatchObject({ experimentId, traceMetadata: { 'mlflow.sourceRun': runId } });
    const feedback = row?.info.assessments?.find((a) => a.name === 'safety');
    const judgeTrace = await getTrace(feedback?.metadata['mlflow.assessment.scorerTraceId'] as string);
    expect(judgeTrace?.info).toMatchObject({ experimentId, traceMetadata: { 'mlflow.sourceRun': runId }, tags: { 'mlflow.trace.sourceScorer': 'safety' } });
  });
});
