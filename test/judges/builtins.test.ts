import { describe, expect, it } from 'vitest';
import {
  correctness,
  expectationsGuidelines,
  guidelines,
  relevanceToQuery,
  retrievalGroundedness,
  retrievalRelevance,
  retrievalSufficiency,
  safety,
  type Scorer,
  type ScorerInput,
} from '../../judges/index.js';
import { lastUserText } from '../support/openai-server.js';
import { byPrompt, verdict } from '../support/judge-replies.js';
import { makeTrace, ragTrace, useJudgeServer } from './helpers.js';

const { server, connection } = useJudgeServer();

const prompts = (): string[] => server().requestsTo('chat/completions').map((r) => lastUserText(r.body));

/** Scores one row with the server answering `result` with a rationale; returns the single feedback. */
async function judgeOnce(judge: Scorer, input: ScorerInput, result: string, rationale: string) {
  server().setDefault('chat/completions', verdict(result, `Let's think step by step. ${rationale}`));
  const feedbacks = await judge.score(input);
  expect(feedbacks).toHaveLength(1);
  const [feedback] = feedbacks;
  expect(feedback?.source).toMatchObject({ sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' });
  expect(feedback?.error).toBeNull();
  return feedback;
}

describe('correctness', () => {
  const row = { inputs: { question: 'Capital of France?' }, outputs: 'Paris', expectations: { expected_response: 'Paris is the capital.' } };

  it('says yes or no with a rationale, from the question, the expected response and the answer', async () => {
    const judge = correctness(connection());
    expect(judge.name).toBe('correctness');
    expect(judge.aggregations).toBeNull();
    expect(await judgeOnce(judge, row, 'yes', 'The answer names Paris.')).toMatchObject({ name: 'correctness', value: 'yes', rationale: 'The answer names Paris.' });
    expect(await judgeOnce(judge, { ...row, outputs: 'Lyon' }, 'no', 'Lyon is not Paris.')).toMatchObject({ value: 'no', rationale: 'Lyon is not Paris.' });
    const prompt = prompts()[1] ?? '';
    expect(prompt).toContain('<claim>\nParis is the capital.\n</claim>');
    expect(prompt).toContain('Question: {"question":"Capital of France?"}\nAnswer: Lyon');
  });

  it('lists expected facts as bullets and asks for the closing sentence', async () => {
    await judgeOnce(correctness(connection()), { ...row, expectations: { expected_facts: ['Paris', 'capital'] } }, 'true', 'ok');
    expect(prompts()[0]).toContain('<claim>\n- Paris\n- capital\n</claim>');
    expect(prompts()[0]).toContain('"The response is correct"');
  });

  it('normalises synonyms to yes/no and anything else to unknown', async () => {
    const judge = correctness(connection());
    expect((await judgeOnce(judge, row, 'Correct', 'x'))?.value).toBe('yes');
    expect((await judgeOnce(judge, row, 'FAIL', 'x'))?.value).toBe('no');
    expect((await judgeOnce(judge, row, 'partially', 'x'))?.value).toBe('unknown');
  });

  it('needs exactly one of expected_response and expected_facts', async () => {
    const judge = correctness(connection());
    await expect(judge.score({ ...row, expectations: {} })).rejects.toThrow(/needs the expected answer/);
    await expect(judge.score({ ...row, expectations: { expected_response: 'a', expected_facts: ['b'] } })).rejects.toThrow(/not both/);
  });

  it('takes a name and reads missing fields from the trace: root span and expectation assessments', async () => {
    const trace = makeTrace([{ id: '1', inputs: { question: 'Capital of Italy?' }, outputs: 'Rome' }], [{ name: 'expected_response', value: 'Rome' }]);
    const feedback = await judgeOnce(correctness({ ...connection(), name: 'is_right' }), { trace }, 'yes', 'Rome.');
    expect(feedback?.name).toBe('is_right');
    expect(prompts()[0]).toContain('<claim>\nRome\n</claim>');
    expect(prompts()[0]).toContain('Answer: Rome');
  });
});

describe('relevanceToQuery', () => {
  it('judges the response against the request', async () => {
    const judge = relevanceToQuery(connection());
    const chat = { messages: [{ role: 'user', content: 'How do I boil an egg?' }] };
    expect(await judgeOnce(judge, { inputs: chat, outputs: 'Simmer it for 8 minutes.' }, 'yes', 'On topic.')).toMatchObject({
      name: 'relevance_to_query',
      value: 'yes',
      rationale: 'On topic.',
    });
    expect(prompts()[0]).toContain('<question>\nHow do I boil an egg?\n</question>');
    const completion = { choices: [{ message: { role: 'assistant', content: 'Stocks went up.' } }] };
    expect(await judgeOnce(judge, { inputs: chat, outputs: completion }, 'no', 'Off topic.')).toMatchObject({ value: 'no', rationale: 'Off topic.' });
    expect(prompts()[1]).toContain('<answer>\nStocks went up.\n</answer>');
  });
});

describe('safety', () => {
  it('answers yes for safe content and no for unsafe', async () => {
    const judge = safety(connection());
    expect(await judgeOnce(judge, { outputs: 'Drink water.' }, 'yes', 'Harmless advice.')).toMatchObject({ name: 'safety', value: 'yes', rationale: 'Harmless advice.' });
    expect(await judgeOnce(judge, { outputs: ['Threatening text', 'ignored'] }, 'no', 'A threat.')).toMatchObject({ value: 'no' });
    expect(prompts()[1]).toContain('<text>\nThreatening text\n</text>');
  });
});

describe('guidelines', () => {
  it('renders each guideline and the exchange, and says yes or no', async () => {
    const judge = guidelines({ guidelines: ['Be polite.', 'Answer in English.'], ...connection() });
    expect(await judgeOnce(judge, { inputs: { q: 'hi' }, outputs: 'Hello, friend.' }, 'yes', 'Polite English.')).toMatchObject({
      name: 'guidelines',
      value: 'yes',
      rationale: 'Polite English.',
    });
    expect(prompts()[0]).toContain('<guideline>Be polite.</guideline>\n<guideline>Answer in English.</guideline>');
    expect(prompts()[0]).toContain('<request>\n{"q":"hi"}\n</request>');
    expect(prompts()[0]).toContain('<response>\nHello, friend.\n</response>');
    expect(await judgeOnce(judge, { inputs: { q: 'hi' }, outputs: 'Bonjour.' }, 'no', 'Not English.')).toMatchObject({ value: 'no', rationale: 'Not English.' });
  });

  it('needs guidelines when it is created', () => {
    expect(() => guidelines({ guidelines: [] })).toThrow(/needs a guideline/);
    expect(() => guidelines({ guidelines: ['ok', ''] })).toThrow(/needs a guideline/);
  });
});

describe('expectationsGuidelines', () => {
  it('takes the guidelines of each row from its expectations', async () => {
    const judge = expectationsGuidelines(connection());
    const row = { inputs: { q: 'hi' }, outputs: 'Hey', expectations: { guidelines: 'Mention the weather.' } };
    expect(await judgeOnce(judge, row, 'no', 'No weather.')).toMatchObject({ name: 'expectations_guidelines', value: 'no', rationale: 'No weather.' });
    expect(prompts()[0]).toContain('<guideline>Mention the weather.</guideline>');
    expect(await judgeOnce(judge, { ...row, outputs: 'Sunny today!' }, 'yes', 'Weather mentioned.')).toMatchObject({ value: 'yes' });
  });

  it('fails without guidelines in the expectations', async () => {
    await expect(expectationsGuidelines(connection()).score({ inputs: {}, outputs: 'x' })).rejects.toThrow(
      'Guidelines must be specified in the expectations parameter or must be present in the trace.',
    );
  });
});

describe('retrieval judges', () => {
  const trace = ragTrace('Who wrote Dune?', 'Frank Herbert wrote Dune.', ['Dune is a novel by Frank Herbert.', 'Sandworms live on Arrakis.']);

  it('retrievalGroundedness: one feedback per top-level retriever span, with its span id', async () => {
    const judge = retrievalGroundedness(connection());
    const grounded = await judgeOnce(judge, { trace }, 'yes', 'The first document says so.');
    expect(grounded).toMatchObject({ name: 'retrieval_groundedness', value: 'yes', spanId: '0000000000000010', rationale: 'The first document says so.' });
    expect(prompts()[0]).toContain('<answer>\nFrank Herbert wrote Dune.\n</answer>');
    expect(prompts()[0]).toContain('"content": "Dune is a novel by Frank Herbert."');
    expect(prompts()[0]).toContain('"doc_uri": "doc://0/0"');
    expect(await judgeOnce(judge, { trace }, 'no', 'Unsupported.')).toMatchObject({ value: 'no' });
  });

  it('uses top-level RETRIEVER spans only, and needs at least one', async () => {
    const nested = makeTrace([
      { id: '1', inputs: { q: 'x' }, outputs: 'y' },
      { id: '2', parent: '1', type: 'RETRIEVER', outputs: [{ page_content: 'outer' }, 'not a document'] },
      { id: '3', parent: '2', type: 'RETRIEVER', outputs: [{ page_content: 'inner' }] },
    ]);
    server().setDefault('chat/completions', verdict('yes'));
    const feedbacks = await retrievalGroundedness(connection()).score({ trace: nested });
    expect(feedbacks.map((f) => f.spanId)).toEqual(['0000000000000002']);
    expect(prompts()[0]).toContain('outer');
    expect(prompts()[0]).not.toContain('inner');
    expect(prompts()[0]).not.toContain('not a document');
    const noRetriever = makeTrace([{ id: '1', inputs: { q: 'x' }, outputs: 'y' }]);
    await expect(retrievalGroundedness(connection()).score({ trace: noRetriever })).rejects.toThrow(/has no RETRIEVER span/);
    await expect(retrievalGroundedness(connection()).score({ outputs: 'y' })).rejects.toThrow(/needs the row's trace/);
  });

  it('retrievalRelevance: a precision feedback first, then one verdict per document', async () => {
    server().setDefault('chat/completions', byPrompt([['Dune is a novel', verdict('yes', 'About the author.')]], verdict('no', 'About sandworms.')));
    const twoSpans = ragTrace('Who wrote Dune?', 'Frank Herbert.', ['Dune is a novel by Frank Herbert.', 'Sandworms live on Arrakis.'], ['Sandworms are big.']);
    const feedbacks = await retrievalRelevance(connection()).score({ trace: twoSpans });
    expect(feedbacks.map((f) => [f.name, f.value, f.spanId, f.metadata.chunk_index])).toEqual([
      ['retrieval_relevance/precision', 0.5, '0000000000000010', undefined],
      ['retrieval_relevance', 'yes', '0000000000000010', '0'],
      ['retrieval_relevance', 'no', '0000000000000010', '1'],
      ['retrieval_relevance/precision', 0, '0000000000000011', undefined],
      ['retrieval_relevance', 'no', '0000000000000011', '0'],
    ]);
    expect(feedbacks[1]?.rationale).toBe('About the author.');
    expect(feedbacks[2]?.metadata.doc_uri).toBe('doc://0/1');
  });

  it('retrievalRelevance: a span whose documents could not be judged gets an error precision, not a number', async () => {
    server().setDefault('chat/completions', { status: 200, json: { choices: [] } });
    const feedbacks = await retrievalRelevance(connection()).score({ trace: ragTrace('q', 'a', ['d']) });
    expect(feedbacks[0]?.name).toBe('retrieval_relevance/precision');
    expect(feedbacks[0]?.value).toBeNull();
    expect(feedbacks[0]?.error?.errorCode).toBe('JUDGE_PARSE_ERROR');
    const empty = await retrievalRelevance(connection()).score({ trace: ragTrace('q', 'a', []) });
    expect(empty).toHaveLength(1);
    expect(empty[0]?.error?.errorCode).toBe('JUDGE_NO_DOCUMENTS');
  });

  it('retrievalSufficiency: one feedback per span against the expected answer, from the row or the trace', async () => {
    const judge = retrievalSufficiency(connection());
    expect(await judgeOnce(judge, { trace, expectations: { expected_facts: ['Frank Herbert wrote Dune'] } }, 'yes', 'Covered.')).toMatchObject({
      name: 'retrieval_sufficiency',
      value: 'yes',
      spanId: '0000000000000010',
    });
    expect(prompts()[0]).toContain('<expected>\n- Frank Herbert wrote Dune\n</expected>');
    const withExpectation = makeTrace(
      [
        { id: '1', inputs: { question: 'Who wrote Dune?' }, outputs: 'Herbert' },
        { id: '2', parent: '1', type: 'RETRIEVER', outputs: [{ page_content: 'Sandworms.' }] },
      ],
      [{ name: 'expected_response', value: 'Frank Herbert' }],
    );
    expect(await judgeOnce(judge, { trace: withExpectation }, 'no', 'No author in the documents.')).toMatchObject({ value: 'no' });
    expect(prompts()[1]).toContain('<expected>\nFrank Herbert\n</expected>');
    await expect(judge.score({ trace })).rejects.toThrow(/needs the expected answer/);
  });
});
