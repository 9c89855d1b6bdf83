import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { JudgeErrorCode, makeJudge, relevanceToQuery, safety, type ScoreContext } from '../../judges/index.js';
import { apiError, FakeOpenAI } from '../support/openai-server.js';
import { chatBody, judgeText, promptText, refusal, verdict } from '../support/judge-replies.js';
import { memoryCache, useJudgeServer } from './helpers.js';

const { server, connection } = useJudgeServer();
const fast = { 'retry-after-ms': '0' };

describe('a judge call', () => {
  it('asks for structured output with a JSON schema of the verdict', async () => {
    server().script('chat/completions', verdict('yes', "Let's think step by step. Nothing harmful."));
    const [feedback] = await safety(connection()).score({ outputs: 'Have a nice day.' });
    expect(feedback).toMatchObject({ name: 'safety', value: 'yes', rationale: 'Nothing harmful.' });
    const body = chatBody(server().requestsTo('chat/completions')[0]);
    expect(body.model).toBe('gpt-4.1-mini');
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'verdict', strict: true, schema: { properties: { result: { enum: ['yes', 'no'] } }, required: ['rationale', 'result'] } },
    });
    expect(body.messages).toEqual([{ role: 'user', content: expect.stringContaining('Have a nice day.') }]);
  });

  it('falls back to plain JSON when the server rejects structured output, and remembers that per server and model', async () => {
    server().setDefault('chat/completions', (request) =>
      chatBody(request).response_format ? apiError(400, "Unsupported parameter: 'response_format'", { param: 'response_format' }) : verdict('yes'),
    );
    const judge = relevanceToQuery(connection());
    expect((await judge.score({ inputs: { q: 'a' }, outputs: 'b' }))[0]?.value).toBe('yes');
    expect((await judge.score({ inputs: { q: 'c' }, outputs: 'd' }))[0]?.value).toBe('yes');
    const formats = server().requestsTo('chat/completions').map((r) => chatBody(r).response_format !== undefined);
    expect(formats).toEqual([true, false, false]);
  });

  it('asks a malformed reply once more, saying why, and uses the second answer', async () => {
    server().script('chat/completions', judgeText('{"rationale": "cut off'), verdict('no', 'Rude.'));
    const [feedback] = await safety(connection()).score({ outputs: 'Go away.' });
    expect(feedback).toMatchObject({ value: 'no', rationale: 'Rude.' });
    const [first, second] = server().requestsTo('chat/completions');
    const messages = chatBody(second).messages as { role: string; content: string }[];
    expect(messages).toHaveLength(3);
    expect(messages[0]).toEqual((chatBody(first).messages as unknown[])[0]);
    expect(messages[1]).toEqual({ role: 'assistant', content: '{"rationale": "cut off' });
    expect(messages[2]?.content).toMatch(/^Your reply could not be used: Failed to parse response from judge model\./);
  });

  it('turns a reply that stays malformed into an error feedback, never a verdict', async () => {
    server().setDefault('chat/completions', judgeText('I think it is fine'));
    const [feedback] = await safety(connection()).score({ outputs: 'ok' });
    expect(feedback?.value).toBeNull();
    expect(feedback?.error).toMatchObject({ errorCode: JudgeErrorCode.PARSE_ERROR, errorMessage: expect.stringContaining('Response: I think it is fine') });
    expect(feedback?.source).toMatchObject({ sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4.1-mini' });
    expect(server().requestsTo('chat/completions')).toHaveLength(2);
  });

  it('never reads a reply without "result" as a pass or a fail', async () => {
    server().setDefault('chat/completions', judgeText(JSON.stringify({ pass: true, rationale: 'looks right' })));
    const [feedback] = await relevanceToQuery(connection()).score({ inputs: { q: 'x' }, outputs: 'y' });
    expect(feedback?.value).toBeNull();
    expect(feedback?.error?.errorCode).toBe(JudgeErrorCode.PARSE_ERROR);
    expect(feedback?.error?.errorMessage).toMatch(/no "result" field/);
  });

  it('reports a judge that answers with an error key as a model error, without asking again', async () => {
    server().setDefault('chat/completions', judgeText('{"error": "context too long"}'));
    const [feedback] = await safety(connection()).score({ outputs: 'x' });
    expect(feedback?.error).toMatchObject({ errorCode: JudgeErrorCode.MODEL_ERROR, errorMessage: 'Judge evaluation failed with error: context too long' });
    expect(server().requestsTo('chat/completions')).toHaveLength(1);
  });

  it('gives an error feedback for a 500 that outlasts the client’s retries', async () => {
    server().setDefault('chat/completions', apiError(500, 'upstream exploded', { type: 'server_error', headers: fast }));
    const [feedback] = await safety({ ...connection(), maxRetries: 2 }).score({ outputs: 'x' });
    expect(feedback?.value).toBeNull();
    expect(feedback?.error).toMatchObject({ errorCode: JudgeErrorCode.MODEL_ERROR, errorMessage: expect.stringContaining('HTTP 500') });
    expect(server().requestsTo('chat/completions')).toHaveLength(3);
  });

  it('lets the client retry a 429 as retry-after says, then judges', async () => {
    server().script('chat/completions', apiError(429, 'slow down', { headers: { 'retry-after': '0' } }), verdict('yes'));
    const [feedback] = await safety(connection()).score({ outputs: 'x' });
    expect(feedback?.value).toBe('yes');
    expect(server().requestsTo('chat/completions')).toHaveLength(2);
  });

  it('reports a 429 that outlasts the retries as rate-limited', async () => {
    server().setDefault('chat/completions', apiError(429, 'slow down', { headers: fast }));
    const [feedback] = await safety({ ...connection(), maxRetries: 1 }).score({ outputs: 'x' });
    expect(feedback?.error?.errorCode).toBe(JudgeErrorCode.RATE_LIMITED);
  });

  it('gives an error feedback for a refusal, without asking again', async () => {
    server().setDefault('chat/completions', refusal());
    const [feedback] = await safety(connection()).score({ outputs: 'x' });
    expect(feedback?.value).toBeNull();
    expect(feedback?.error).toMatchObject({ errorCode: JudgeErrorCode.REFUSAL, errorMessage: expect.stringContaining("I'm sorry") });
    expect(server().requestsTo('chat/completions')).toHaveLength(1);
  });

  it('gives a timeout error feedback for a server that does not answer in time', async () => {
    server().setDefault('chat/completions', { ...verdict('yes'), delayMs: 2_000 });
    const [feedback] = await safety({ ...connection(), timeoutMs: 50, maxRetries: 0 }).score({ outputs: 'x' });
    expect(feedback?.error?.errorCode).toBe(JudgeErrorCode.TIMEOUT);
  });

  it('serves a repeated question from the cache without an HTTP call', async () => {
    server().setDefault('chat/completions', verdict('yes', 'Polite.'));
    const cache = memoryCache();
    const events: unknown[] = [];
    const context: ScoreContext = { cache, onJudgeCall: (event) => events.push(event) };
    const judge = safety(connection());
    const first = await judge.score({ outputs: 'Thank you!' }, context);
    const second = await judge.score({ outputs: 'Thank you!' }, context);
    expect(server().requestsTo('chat/completions')).toHaveLength(1);
    expect(cache.hits).toBe(1);
    expect([...cache.entries.keys()][0]).toMatch(/^[0-9a-f]{64}$/);
    expect(second[0]).toMatchObject({ value: 'yes', rationale: 'Polite.' });
    expect(first[0]?.value).toBe(second[0]?.value);
    expect(events).toEqual([
      { scorer: 'safety', model: 'openai:/gpt-4.1-mini', cached: false },
      { scorer: 'safety', model: 'openai:/gpt-4.1-mini', cached: true },
    ]);
    await judge.score({ outputs: 'Something else' }, context);
    expect(server().requestsTo('chat/completions')).toHaveLength(2);
  });

  it('keys the cache by server too: the same model on another server is asked, never served the first one’s reply', async () => {
    const other = await FakeOpenAI.start();
    try {
      server().setDefault('chat/completions', verdict('yes', 'Server A: safe.'));
      other.setDefault('chat/completions', verdict('no', 'Server B: unsafe.'));
      const cache = memoryCache();
      const [a] = await safety(connection()).score({ outputs: 'hi' }, { cache });
      const [b] = await safety({ ...connection(), baseURL: other.baseURL }).score({ outputs: 'hi' }, { cache });
      expect([a?.value, b?.value]).toEqual(['yes', 'no']);
      expect(other.requestsTo('chat/completions')).toHaveLength(1);
      expect(cache.hits).toBe(0);
      // Back on the first server (written with a trailing slash): its own reply, from the cache.
      const [again] = await safety({ ...connection(), baseURL: `${server().baseURL}/` }).score({ outputs: 'hi' }, { cache });
      expect(again?.rationale).toBe('Server A: safe.');
      expect(server().requestsTo('chat/completions')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('leaves no abort listener on the caller’s signal once a call settles, and still cancels a call in flight', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      server().setDefault('chat/completions', verdict('yes'));
      const controller = new AbortController();
      const judge = safety(connection());
      for (let i = 0; i < 30; i += 1) await judge.score({ outputs: `text ${i}` }, { signal: controller.signal });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

      server().setDefault('chat/completions', { ...verdict('yes'), delayMs: 5_000 });
      const pending = judge.score({ outputs: 'slow' }, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort(new Error('stop'));
      await expect(pending).rejects.toThrow(/abort/i);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('does not cache a failed call', async () => {
    server().script('chat/completions', refusal(), verdict('yes'));
    const cache = memoryCache();
    const judge = safety(connection());
    expect((await judge.score({ outputs: 'x' }, { cache }))[0]?.error).not.toBeNull();
    expect((await judge.score({ outputs: 'x' }, { cache }))[0]?.value).toBe('yes');
    expect(cache.hits).toBe(0);
  });

  it('runs each call under context.limit and inside context.traceCall, with the trace id in the metadata', async () => {
    server().setDefault('chat/completions', verdict('yes'));
    const log: string[] = [];
    const context: ScoreContext = {
      limit: async (call) => {
        log.push('limit');
        return call();
      },
      traceCall: async (info, call) => {
        log.push(`trace ${info.name} ${info.model}`);
        expect(info.request).toMatchObject({ messages: [{ role: 'user' }] });
        return { value: await call(), traceId: 'tr-judge' };
      },
    };
    const [feedback] = await safety(connection()).score({ outputs: 'x' }, context);
    expect(log).toEqual(['limit', 'trace safety openai:/gpt-4.1-mini']);
    expect(feedback?.metadata).toEqual({ 'mlflow.assessment.scorerTraceId': 'tr-judge' });
  });

  it('sends inference parameters and keeps the system/user split of makeJudge', async () => {
    server().setDefault('chat/completions', verdict('fine'));
    const judge = makeJudge({ name: 'tone', instructions: 'Judge the tone of {{ outputs }}.', inferenceParams: { temperature: 0.2 }, ...connection() });
    await judge.score({ outputs: 'hi' });
    const body = chatBody(server().requestsTo('chat/completions')[0]);
    expect(body.temperature).toBe(0.2);
    expect((body.messages as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user']);
    expect(promptText(server().requestsTo('chat/completions')[0]!)).toContain('Your task: Judge the tone of {{ outputs }}..');
  });
});
