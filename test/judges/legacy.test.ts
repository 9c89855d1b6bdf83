import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/index.js';
import { MetricValue } from '../../metrics/metric-value.js';
import {
  answerCorrectness,
  answerRelevance,
  answerSimilarity,
  faithfulness,
  makeGenaiMetric,
  relevance,
  scorer,
  type EvaluationExample,
} from '../../judges/index.js';
import { FAITHFULNESS } from '../../judges/prompts/legacy/faithfulness.js';
import { apiError, lastUserText } from '../support/openai-server.js';
import { byPrompt, chatBody, judgeText } from '../support/judge-replies.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';
import { useJudgeServer } from './helpers.js';

const { server, connection } = useJudgeServer();
useTrackingSandbox();

const requests = () => server().requestsTo('chat/completions');

const example: EvaluationExample = {
  input: 'What is MLflow?',
  output: 'A platform for the ML lifecycle.',
  score: 4,
  justification: 'Accurate but brief.',
  gradingContext: { targets: 'MLflow is an open-source platform for managing the ML lifecycle.' },
};

function professionalism(options: Partial<Parameters<typeof makeGenaiMetric>[0]> = {}) {
  return makeGenaiMetric({
    name: 'professionalism',
    definition: 'How formal the answer is.',
    gradingPrompt: 'Score 1: slang. Score 5: formal.',
    examples: [example],
    gradingContextColumns: ['targets'],
    ...connection(),
    ...options,
  });
}

describe('makeGenaiMetric', () => {
  it('builds an EvaluationMetric keyed name/v1 that requires its input and context columns', () => {
    const metric = professionalism();
    expect(metric).toMatchObject({ name: 'professionalism', version: 'v1', key: 'professionalism/v1', greaterIsBetter: true, requires: ['inputs', 'targets'] });
    expect(professionalism({ includeInput: false, version: 'v2' })).toMatchObject({ key: 'professionalism/v2', requires: ['targets'] });
  });

  it('scores each row from the two-line and the JSON reply forms, with justifications and aggregates', async () => {
    server().setDefault(
      'chat/completions',
      byPrompt([
        ['Output:\nyo whatever', judgeText('Score: 1\nJustification: Slang throughout.')],
        ['Output:\nGood afternoon', judgeText('```json\n{"Score": 5, "Justification": "Formal and polite."}\n```')],
        ['Output:\nHi there', judgeText('{"score": "3", "justification": "Friendly."}')],
      ]),
    );
    const metric = professionalism();
    const value = (await metric.evalFn({
      predictions: ['yo whatever', 'Good afternoon', 'Hi there'],
      inputs: ['q1', 'q2', 'q3'],
      targets: ['t1', 't2', 't3'],
      metrics: {},
    })) as MetricValue;
    expect(value.scores).toEqual([1, 5, 3]);
    expect(value.justifications).toEqual(['Slang throughout.', 'Formal and polite.', 'Friendly.']);
    expect(value.aggregateResults).toEqual({ mean: 3, variance: 8 / 3, p90: 4.6 });
    const body = chatBody(requests()[0]);
    expect(body).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0, max_tokens: 200, top_p: 1 });
    expect(body.response_format).toBeUndefined();
  });

  it('writes the v1 prompt: two-line header, input, output, context, definition, rubric, examples', async () => {
    server().setDefault('chat/completions', judgeText('score: 4\njustification: fine'));
    await professionalism().evalFn({ predictions: ['Dear sir'], inputs: ['Greet me'], targets: ['Hello'], metrics: {} });
    const prompt = lastUserText(requests()[0]?.body);
    const order = [
      'Task: reply with exactly two lines',
      'score: <your professionalism score',
      'Input:\nGreet me',
      'Output:\nDear sir',
      'Additional information used by the model:\nkey: targets\nvalue:\nHello',
      'Metric definition:\nHow formal the answer is.',
      'Grading rubric:\nScore 1: slang. Score 5: formal.',
      'Examples:\nExample Input:\nWhat is MLflow?\n\nExample Output:\nA platform for the ML lifecycle.\n\nAdditional information used by the model:\nkey: targets\nvalue:\nMLflow is an open-source platform for managing the ML lifecycle.\n\nExample score: 4\nExample justification: Accurate but brief.',
      'no extra lines and no other fields',
    ];
    const positions = order.map((part) => prompt.indexOf(part));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    server().reset();
    server().setDefault('chat/completions', judgeText('score: 4\njustification: fine'));
    await professionalism({ includeInput: false, gradingContextColumns: [], examples: [] }).evalFn({ predictions: ['Dear sir'], inputs: ['Greet me'], metrics: {} });
    const bare = lastUserText(requests()[0]?.body);
    expect(bare).not.toContain('Input:');
    expect(bare).not.toContain('Additional information used by the model');
    expect(bare).not.toContain('Examples:');
  });

  it('asks an unreadable reply once more, then scores null with the raw output as justification', async () => {
    server().setDefault('chat/completions', judgeText('It is rather formal, I would say.'));
    const value = (await professionalism().evalFn({ predictions: ['x'], inputs: ['q'], targets: ['t'], metrics: {} })) as MetricValue;
    expect(value.scores).toEqual([null]);
    expect(value.justifications).toEqual(['Failed to extract score and justification. Raw output: It is rather formal, I would say.']);
    expect(value.aggregateResults).toEqual({ mean: null, variance: null, p90: null });
    expect(requests()).toHaveLength(2);
  });

  it('scores null for a server error after retries, and stops on a bad request', async () => {
    server().setDefault('chat/completions', apiError(503, 'overloaded', { type: 'server_error', headers: { 'retry-after-ms': '0' } }));
    const value = (await professionalism().evalFn({ predictions: ['x'], inputs: ['q'], targets: ['t'], metrics: {} })) as MetricValue;
    expect(value.scores).toEqual([null]);
    expect(value.justifications?.[0]).toMatch(/^Failed to score model on payload\. Error: .*HTTP 503/);
    server().setDefault('chat/completions', apiError(401, 'bad key', { type: 'invalid_request_error' }));
    await expect(professionalism().evalFn({ predictions: ['x'], inputs: ['q'], targets: ['t'], metrics: {} })).rejects.toThrow(/refused the request.*bad key/);
  });

  it('checks its options', () => {
    expect(() => professionalism({ aggregations: ['avg'] })).toThrow('Invalid aggregate option avg. Use any of min, max, mean, median, variance, p90.');
    expect(() => professionalism({ examples: [{ ...example, gradingContext: { context: 'x' } }] })).toThrow(/must equal its grading context columns \[targets\]/);
    expect(() => professionalism({ definition: '' })).toThrow(/definition must be a non-empty string/);
    expect(() => professionalism({ maxWorkers: 0 })).toThrow(/maxWorkers/);
    expect(() => professionalism({ model: 'openai:/' })).toThrow(/Malformed model uri/);
    expect(professionalism({ examples: [{ ...example, gradingContext: 'just the targets' }] }).key).toBe('professionalism/v1');
  });

  it('runs in evaluate(..., { extraMetrics }): per-row score and justification columns, run metrics mean/variance/p90', async () => {
    server().setDefault('chat/completions', byPrompt([['Output:\nParis', judgeText('score: 5\njustification: Same meaning.')]], judgeText('score: 2\njustification: Different city.')));
    const data = { inputs: ['Capital of France?', 'Capital of Spain?'], answer: ['Paris', 'Lisbon'], truth: ['Paris', 'Madrid'] };
    const result = await evaluate(null, data, { predictions: 'answer', targets: 'truth', extraMetrics: [answerSimilarity(connection())] });
    expect(result.metrics).toEqual({ 'answer_similarity/v1/mean': 3.5, 'answer_similarity/v1/variance': 2.25, 'answer_similarity/v1/p90': 4.7 });
    expect(result.tables.eval_results_table).toEqual([
      { inputs: 'Capital of France?', truth: 'Paris', answer: 'Paris', 'answer_similarity/v1/score': 5, 'answer_similarity/v1/justification': 'Same meaning.' },
      { inputs: 'Capital of Spain?', truth: 'Madrid', answer: 'Lisbon', 'answer_similarity/v1/score': 2, 'answer_similarity/v1/justification': 'Different city.' },
    ]);
    // evaluate() tries each metric on the first row first; the metric's own cache spares that second call.
    expect(requests()).toHaveLength(2);
  });

  it('keeps its default reply cache for one evaluation only, and evaluate(..., { cache: false }) turns it off', async () => {
    server().setDefault('chat/completions', judgeText('score: 4\njustification: Fine.'));
    const metric = answerSimilarity(connection());
    const data = { inputs: ['Capital of France?', 'Capital of Spain?'], answer: ['Paris', 'Madrid'], truth: ['Paris', 'Madrid'] };
    const options = { predictions: 'answer', targets: 'truth', extraMetrics: [metric] };
    await evaluate(null, data, options);
    expect(requests()).toHaveLength(2); // the first row's trial reply is reused by the full run
    await evaluate(null, data, options);
    expect(requests()).toHaveLength(4); // a new evaluation asks again
    await evaluate(null, data, { ...options, cache: false });
    expect(requests()).toHaveLength(7); // the trial and both rows
    // With scorers, `cache: false` reaches the extra metrics run on the outputs too.
    await evaluate(null, { question: data.inputs, answer: data.answer, truth: data.truth }, {
      ...options,
      scorers: [scorer(() => 1, { name: 'one' })],
      columns: { inputs: { inputs: 'question' }, outputs: 'answer' },
      cache: false,
    });
    expect(requests()).toHaveLength(10);
    // Called on its own, the metric keeps nothing from one call to the next.
    const args = { predictions: ['Paris'], inputs: ['Capital of France?'], targets: ['Paris'], metrics: {} };
    await metric.evalFn(args);
    await metric.evalFn(args);
    expect(requests()).toHaveLength(12);
  });
});

describe('faithfulness', () => {
  it('has examples that score as its rubric says: one of two claims backed by the context is about half, a 3', () => {
    const [halfBacked, allBacked] = FAITHFULNESS.examples;
    expect(FAITHFULNESS.gradingPrompt).toContain('Score 3: about half of the claims are backed by the context.');
    expect(halfBacked).toMatchObject({ score: 3, justification: expect.stringMatching(/One of the two claims is backed.*so the score is 3\.$/) });
    expect(allBacked).toMatchObject({ score: 5, justification: expect.stringMatching(/score is 5\.$/) });
  });
});

describe('built-in graded metrics', () => {
  it('have their names, context columns, input rule and two examples', async () => {
    const cases = [
      [answerSimilarity(connection()), 'answer_similarity/v1', ['targets'], false],
      [answerCorrectness(connection()), 'answer_correctness/v1', ['inputs', 'targets'], true],
      [faithfulness(connection()), 'faithfulness/v1', ['context'], false],
      [answerRelevance(connection()), 'answer_relevance/v1', ['inputs'], true],
      [relevance(connection()), 'relevance/v1', ['inputs', 'context'], true],
    ] as const;
    server().setDefault('chat/completions', judgeText('score: 3\njustification: ok'));
    for (const [metric, key, requires, showsInput] of cases) {
      expect(metric.key).toBe(key);
      expect(metric.requires).toEqual(requires);
      server().reset();
      server().setDefault('chat/completions', judgeText('score: 3\njustification: ok'));
      const value = (await metric.evalFn({ predictions: ['out'], inputs: ['the question'], targets: ['t'], context: ['c'], metrics: {} })) as MetricValue;
      expect(value.scores).toEqual([3]);
      const prompt = lastUserText(requests()[0]?.body);
      expect(prompt.match(/Example score: /g)).toHaveLength(2);
      expect(prompt.includes('Input:\nthe question'), key).toBe(showsInput);
    }
    expect(answerSimilarity({ ...connection(), metricVersion: 'v2' }).key).toBe('answer_similarity/v2');
  });
});
