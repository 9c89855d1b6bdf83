import { describe, expect, it } from 'vitest';
import { EvalflowError } from '../../src/core/errors.js';
import { makeJudge, type FeedbackValueType } from '../../judges/index.js';
import { chatBody, judgeText, verdict } from '../support/judge-replies.js';
import { makeTrace, useJudgeServer } from './helpers.js';

const { server, connection } = useJudgeServer();

function judgeOf(feedbackValueType: FeedbackValueType) {
  return makeJudge({ name: 'quality', instructions: 'Rate {{ outputs }} for the question {{ inputs }}.', feedbackValueType, ...connection() });
}

const row = { inputs: { question: 'What is 2+2?' }, outputs: '4' };
const requests = () => server().requestsTo('chat/completions');

describe('makeJudge', () => {
  it('sends the instructions as the system message and one JSON line per variable as the user message', async () => {
    server().setDefault('chat/completions', verdict('good', 'Clear answer.'));
    const judge = makeJudge({ name: 'quality', instructions: 'Rate {{outputs}} given {{ inputs }}.', ...connection() });
    expect(judge.aggregations).toEqual([]);
    expect(judge.kind).toBe('llm');
    const [feedback] = await judge.score(row);
    expect(feedback).toMatchObject({ name: 'quality', value: 'good', rationale: 'Clear answer.', source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' } });
    const messages = chatBody(requests()[0]).messages as { role: string; content: string }[];
    expect(messages[0]?.content).toContain('Your task: Rate {{outputs}} given {{ inputs }}..');
    expect(messages[0]?.content.indexOf('"result"')).toBeLessThan(messages[0]?.content.indexOf('"rationale"') ?? 0);
    expect(messages[1]?.content).toBe('outputs: "4"\ninputs: {\n  "question": "What is 2+2?"\n}');
  });

  it('"yes/no": an enum schema; synonyms normalised; anything else asked again, then an error', async () => {
    server().script('chat/completions', verdict('Yes'), verdict('no'), verdict('maybe'), verdict('perhaps'));
    const judge = judgeOf('yes/no');
    expect((await judge.score(row))[0]?.value).toBe('yes');
    expect(chatBody(requests()[0]).response_format).toMatchObject({ json_schema: { schema: { properties: { result: { type: 'string', enum: ['yes', 'no'] } } } } });
    expect((await judge.score(row))[0]?.value).toBe('no');
    const [unclear] = await judge.score(row);
    expect(unclear?.value).toBeNull();
    expect(unclear?.error?.errorMessage).toMatch(/expected "yes" or "no", got "perhaps"/);
  });

  it('"boolean": true/false, also written as text', async () => {
    server().script('chat/completions', verdict(true), verdict('False'));
    const judge = judgeOf('boolean');
    expect((await judge.score(row))[0]?.value).toBe(true);
    expect((await judge.score(row))[0]?.value).toBe(false);
    expect(chatBody(requests()[0]).response_format).toMatchObject({ json_schema: { schema: { properties: { result: { type: 'boolean' } } } } });
  });

  it('"number": numbers, also written as text; text that is no number is malformed', async () => {
    server().script('chat/completions', verdict(4.5), verdict('3'), verdict('high'), verdict('very high'));
    const judge = judgeOf('number');
    expect((await judge.score(row))[0]?.value).toBe(4.5);
    expect((await judge.score(row))[0]?.value).toBe(3);
    expect((await judge.score(row))[0]?.error?.errorCode).toBe('JUDGE_PARSE_ERROR');
  });

  it('"string": free text', async () => {
    server().script('chat/completions', verdict('concise and correct'));
    expect((await judgeOf('string').score(row))[0]?.value).toBe('concise and correct');
  });

  it('a list of allowed values: an enum schema, and values outside it are malformed', async () => {
    server().script('chat/completions', verdict('B'), verdict(2), verdict('2'), verdict('Z'), verdict('Z'));
    const letters = judgeOf(['A', 'B', 'C']);
    expect((await letters.score(row))[0]?.value).toBe('B');
    expect(chatBody(requests()[0]).response_format).toMatchObject({ json_schema: { schema: { properties: { result: { type: 'string', enum: ['A', 'B', 'C'] } } } } });
    const levels = judgeOf([1, 2, 3]);
    expect((await levels.score(row))[0]?.value).toBe(2);
    expect((await levels.score(row))[0]?.value).toBe(2);
    expect((await letters.score(row))[0]?.error?.errorMessage).toMatch(/expected one of \["A","B","C"\], got "Z"/);
    expect(judgeOf(['pass', 0]).feedbackValueType).toEqual(['pass', 0]);
  });

  it('asks for the rationale first when told to', async () => {
    server().setDefault('chat/completions', verdict('ok'));
    await makeJudge({ name: 'j', instructions: 'Check {{ outputs }}', generateRationaleFirst: true, ...connection() }).score(row);
    const body = chatBody(requests()[0]);
    expect(Object.keys((body.response_format as { json_schema: { schema: { properties: object } } }).json_schema.schema.properties)).toEqual(['rationale', 'result']);
  });

  it('rejects unsupported variables, a template without variables, and bad options when created', () => {
    const create = (instructions: string) => () => makeJudge({ name: 'j', instructions });
    expect(create('Compare {{ outputs }} with {{ reference }} and {{context}}')).toThrow(
      /^Instructions template contains unsupported variables: \{\{ reference \}\}, \{\{ context \}\}\./,
    );
    expect(create('Summarise {{ conversation }}')).toThrow(/Session judges/);
    expect(create('Is the answer good?')).toThrow(/must contain at least one variable/);
    expect(create('   ')).toThrow(/instructions must be a non-empty string/);
    expect(() => makeJudge({ name: '', instructions: 'x {{ outputs }}' })).toThrow(EvalflowError);
    expect(() => makeJudge({ name: 'j', instructions: 'x {{ outputs }}', feedbackValueType: 'float' as never })).toThrow(/Unsupported feedbackValueType "float"/);
    expect(() => makeJudge({ name: 'j', instructions: 'x {{ outputs }}', feedbackValueType: [] })).toThrow(/at least one allowed value/);
  });

  it('names every missing value when it is called', async () => {
    const judge = makeJudge({ name: 'j', instructions: '{{ inputs }} {{ outputs }} {{ expectations }}', ...connection() });
    await expect(judge.score({ expectations: { a: 1 } })).rejects.toThrow("Must specify 'inputs', 'outputs' - required by template variables in instructions.");
    await expect(judge.score({ ...row, expectations: 'x' as never })).rejects.toThrow(/expectations must be an object/);
    expect(requests()).toHaveLength(0);
  });

  it('fills missing values from the trace', async () => {
    server().setDefault('chat/completions', verdict('fine'));
    const trace = makeTrace([{ id: '1', inputs: { question: 'From the trace?' }, outputs: 'Yes' }], [{ name: 'tone', value: 'formal' }]);
    await makeJudge({ name: 'j', instructions: '{{ inputs }} {{ outputs }} {{ expectations }}', ...connection() }).score({ trace });
    const user = (chatBody(requests()[0]).messages as { content: string }[])[1]?.content;
    expect(user).toBe('inputs: {\n  "question": "From the trace?"\n}\noutputs: "Yes"\nexpectations: {\n  "tone": "formal"\n}');
  });

  it('{{ trace }}: inlines a truncated summary of the spans and lists the typed fields', async () => {
    server().setDefault('chat/completions', verdict('yes', 'The tool was called once.'));
    const trace = makeTrace([
      { id: '1', name: 'agent', type: 'AGENT', inputs: { task: 'book' }, outputs: 'done' },
      { id: '2', parent: '1', name: 'search_flights', type: 'TOOL', inputs: { to: 'Oslo' }, outputs: 'x'.repeat(5_000) },
    ]);
    const judge = makeJudge({ name: 'tool_use', instructions: 'Did the agent in {{ trace }} use its tools well?', feedbackValueType: 'yes/no', ...connection() });
    const [feedback] = await judge.score({ trace });
    expect(feedback).toMatchObject({ value: 'yes', rationale: 'The tool was called once.' });
    const [system, user] = chatBody(requests()[0]).messages as { content: string }[];
    expect(system?.content).toContain('- result ("yes" or "no"): ');
    expect(system?.content).toContain('Your task: Did the agent in {{ trace }} use its tools well?.');
    expect(user?.content.startsWith('trace: {')).toBe(true);
    const summary = JSON.parse(user?.content.slice('trace: '.length) ?? '') as { spans: { name: string; type: string; parent_id?: string; outputs?: string }[] };
    expect(summary.spans.map((s) => [s.name, s.type, s.parent_id])).toEqual([
      ['agent', 'AGENT', undefined],
      ['search_flights', 'TOOL', '0000000000000001'],
    ]);
    expect(summary.spans[1]?.outputs).toMatch(/… \[4002 more characters\]$/);
    await expect(judge.score({ outputs: 'x' })).rejects.toThrow("Must specify 'trace' - required by template variables in instructions.");
  });

  it('reads a reply wrapped in a code fence or in prose', async () => {
    server().script('chat/completions', judgeText('```json\n{"result": "A", "rationale": "r"}\n```\nHope this helps'), judgeText('Sure! {"result": "B", "rationale": "r"} Done.'));
    const judge = judgeOf(['A', 'B']);
    expect((await judge.score(row))[0]?.value).toBe('A');
    expect((await judge.score(row))[0]?.value).toBe('B');
    expect(requests()).toHaveLength(2);
  });
});
