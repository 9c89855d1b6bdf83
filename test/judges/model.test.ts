import { afterEach, describe, expect, it } from 'vitest';
import { EvalflowError } from '../../src/core/errors.js';
import { correctness, makeJudge, parseModelUri, safety } from '../../judges/index.js';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['EVALFLOW_JUDGE_MODEL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('judge model URIs', () => {
  it('parses <provider>:/<model> URL-style', () => {
    expect(parseModelUri('openai:/gpt-4.1-mini')).toEqual({ provider: 'openai', model: 'gpt-4.1-mini' });
    expect(parseModelUri('openai:gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(parseModelUri('openai:/org/model:7b')).toEqual({ provider: 'openai', model: 'org/model:7b' });
  });

  it('calls anything without a model malformed', () => {
    for (const uri of ['openai:/', 'openai:', 'gpt-4o', 'openai://gpt-4o', '']) {
      expect(() => parseModelUri(uri), uri).toThrow(/Malformed model uri/);
    }
  });

  it('checks the model when the judge is created: malformed or not OpenAI-compatible is an EvalflowError', () => {
    expect(() => safety({ model: 'openai:/' })).toThrow(EvalflowError);
    expect(() => safety({ model: 'anthropic:/claude-sonnet' })).toThrow(/Unsupported judge model provider 'anthropic'/);
    expect(() => safety({ model: 'openai:/m', timeoutMs: -1 })).toThrow(/timeoutMs must be a non-negative number/);
  });

  it('defaults to EVALFLOW_JUDGE_MODEL, else openai:/gpt-4.1-mini', () => {
    delete process.env.EVALFLOW_JUDGE_MODEL;
    expect(correctness().model).toBe('openai:/gpt-4.1-mini');
    process.env.EVALFLOW_JUDGE_MODEL = 'openai:/qwen2.5-7b-instruct';
    expect(correctness().model).toBe('openai:/qwen2.5-7b-instruct');
    expect(makeJudge({ name: 'j', instructions: 'Is {{ outputs }} polite?', model: 'openai:/gpt-4o' }).model).toBe('openai:/gpt-4o');
  });

  it('fails at call time with a clear error when no connection is configured', async () => {
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    const judge = safety();
    await expect(judge.score({ outputs: 'hi' })).rejects.toThrow(/No connection for the judge model openai:\/gpt-4.1-mini: set OPENAI_API_KEY/);
  });
});
