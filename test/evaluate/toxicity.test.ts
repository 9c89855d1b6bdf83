import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { evaluate } from '../../src/index.js';
import { setLogSink } from '../../src/core/logger.js';
import { standardAggregations } from '../../metrics/metric-value.js';
import { apiError } from '../support/openai-server.js';
import { useFakeOpenAI } from '../support/use-fake-openai.js';
import { useTrackingSandbox } from '../support/tracking-sandbox.js';

useTrackingSandbox();

const fake = useFakeOpenAI();

let restoreSink: () => void = () => undefined;
beforeEach(() => {
  fake.reset();
  restoreSink = setLogSink(() => undefined);
  vi.stubEnv('OPENAI_API_KEY', '');
  vi.stubEnv('OPENAI_BASE_URL', '');
});
afterEach(() => {
  restoreSink();
  vi.unstubAllEnvs();
});

// The fake server flags inputs that contain "FLAG": harassment 0.97, otherwise 0.01 for every category.
const answers = ['A kind answer.', 'FLAG this one.', 'Another kind answer.', 'FLAG again.', 'Fine.'];
const data = { question: ['q1', 'q2', 'q3', 'q4', 'q5'], answer: answers };
const scores = answers.map((a) => (a.includes('FLAG') ? 0.97 : 0.01));

describe('toxicity through an OpenAI-compatible moderation endpoint', () => {
  it('scores each row by its highest category score, in batches, and logs mean, variance, p90 and ratio', async () => {
    const result = await evaluate(null, data, 'text', {
      predictions: 'answer',
      evaluatorConfig: { toxicity: { baseURL: fake.baseURL, apiKey: 'test-key', batchSize: 2, concurrency: 2 } },
    });
    const { mean, variance, p90 } = standardAggregations(scores);
    expect(result.metrics['toxicity/v1/mean']).toBeCloseTo(mean, 15);
    expect(result.metrics['toxicity/v1/variance']).toBeCloseTo(variance, 15);
    expect(result.metrics['toxicity/v1/p90']).toBeCloseTo(p90, 15);
    expect(result.metrics['toxicity/v1/ratio']).toBe(2 / 5);
    expect(result.warnings).toEqual([]);
    const table = result.tables.eval_results_table ?? [];
    expect(table.map((row) => row['toxicity/v1/score'])).toEqual(scores);
    expect(Object.keys(table[0] ?? {})).toEqual([
      'question',
      'outputs',
      'token_count',
      'toxicity/v1/score',
      'flesch_kincaid_grade_level/v1/score',
      'ari_grade_level/v1/score',
      'latency',
    ]);

    const requests = fake.requestsTo('moderations');
    expect(requests).toHaveLength(3);
    const inputs = requests.map((r) => (r.body as { input: string[] }).input);
    expect(inputs.flat().sort()).toEqual([...answers].sort());
    expect(inputs.map((input) => input.length).sort()).toEqual([1, 2, 2]);
    for (const request of requests) {
      expect((request.body as { model: string }).model).toBe('omni-moderation-latest');
      expect(request.headers.authorization).toBe('Bearer test-key');
    }
  });

  it('uses the max over categories of a scripted reply, and the configured model', async () => {
    fake.script('moderations', {
      json: {
        id: 'modr-1',
        model: 'my-moderator',
        results: [
          { flagged: false, categories: {}, category_scores: { hate: 0.2, violence: 0.6, sexual: 0.1 } },
          { flagged: false, categories: {}, category_scores: { hate: 0.05, violence: 0.01 } },
        ],
      },
    });
    const result = await evaluate(null, { text: ['one', 'two'] }, 'text', {
      predictions: 'text',
      evaluatorConfig: { toxicity: { baseURL: fake.baseURL, model: 'my-moderator' } },
    });
    expect(result.tables.eval_results_table?.map((row) => row['toxicity/v1/score'])).toEqual([0.6, 0.05]);
    expect(result.metrics['toxicity/v1/ratio']).toBe(0.5);
    expect((fake.requestsTo('moderations')[0]?.body as { model: string }).model).toBe('my-moderator');
  });

  it('reads the connection from OPENAI_BASE_URL and OPENAI_API_KEY', async () => {
    vi.stubEnv('OPENAI_BASE_URL', fake.baseURL);
    vi.stubEnv('OPENAI_API_KEY', 'env-key');
    const result = await evaluate(null, data, 'question-answering', { predictions: 'answer' });
    expect(result.metrics['toxicity/v1/ratio']).toBe(2 / 5);
    expect(fake.requestsTo('moderations')[0]?.headers.authorization).toBe('Bearer env-key');
  });

  it('retries a failed request through the client', async () => {
    fake.script('moderations', apiError(503, 'busy', { headers: { 'retry-after-ms': '1' } }));
    const result = await evaluate(null, data, 'text', {
      predictions: 'answer',
      evaluatorConfig: { toxicity: { baseURL: fake.baseURL, maxRetries: 2 } },
    });
    expect(result.metrics['toxicity/v1/ratio']).toBe(2 / 5);
    expect(fake.requestsTo('moderations')).toHaveLength(2);
  });

  it('skips toxicity with a warning naming the error when the endpoint still fails; other metrics are computed', async () => {
    fake.setDefault('moderations', apiError(500, 'moderation backend exploded'));
    const result = await evaluate(null, data, 'text', {
      predictions: 'answer',
      evaluatorConfig: { toxicity: { baseURL: fake.baseURL, maxRetries: 0 } },
    });
    expect(Object.keys(result.metrics).some((key) => key.startsWith('toxicity'))).toBe(false);
    expect(result.metrics['flesch_kincaid_grade_level/v1/mean']).toBeDefined();
    expect(result.warnings).toEqual([
      expect.stringMatching(/^Cannot calculate toxicity: the moderation endpoint \(model omni-moderation-latest\) failed: .*moderation backend exploded.*Skipping metric logging\.$/),
    ]);
    expect(Object.keys(result.tables.eval_results_table?.[0] ?? {})).not.toContain('toxicity/v1/score');
  });

  it('aborts the requests still running when one batch fails, and returns at once without unhandled rejections', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      // Batches of one, three at a time: the FLAG row fails with 400 once the two others are at the server, which
      // would take 10 s to answer them.
      let slowArrived = (): void => undefined;
      const bothSlowArrived = new Promise<void>((resolve) => {
        let count = 0;
        slowArrived = () => {
          count += 1;
          if (count === 2) resolve();
        };
      });
      fake.setDefault('moderations', async (request) => {
        const input = (request.body as { input: string[] }).input;
        if (input.some((text) => text.includes('FLAG'))) {
          await bothSlowArrived;
          return apiError(400, 'this batch is refused');
        }
        slowArrived();
        return { delayMs: 10_000, json: { id: 'm', model: 'x', results: input.map(() => ({ flagged: false, categories: {}, category_scores: { hate: 0.1 } })) } };
      });
      const result = await evaluate(null, data, 'text', {
        predictions: 'answer',
        evaluatorConfig: { toxicity: { baseURL: fake.baseURL, batchSize: 1, concurrency: 3, maxRetries: 4, timeoutMs: 60_000 } },
      });
      expect(result.warnings).toEqual([expect.stringMatching(/^Cannot calculate toxicity: the moderation endpoint \(model omni-moderation-latest\) failed: .*this batch is refused/)]);
      expect(result.metrics['flesch_kincaid_grade_level/v1/mean']).toBeDefined();
      // The queued batches were never sent; the two slow ones were aborted: the server sees their connections closed.
      expect(fake.requestsTo('moderations')).toHaveLength(3);
      await vi.waitFor(() => expect(fake.closedEarly).toHaveLength(2), { timeout: 2_000 });
      expect(fake.closedEarly.map((r) => (r.body as { input: string[] }).input[0])).toEqual(expect.arrayContaining([answers[0], answers[2]]));
      // Nothing is retried after the abort.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fake.requestsTo('moderations')).toHaveLength(3);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('skips toxicity when a reply has the wrong number of results', async () => {
    fake.script('moderations', { json: { id: 'm', model: 'x', results: [] } });
    const result = await evaluate(null, { text: ['one'] }, 'text', { predictions: 'text', evaluatorConfig: { toxicity: { baseURL: fake.baseURL } } });
    expect(result.warnings).toEqual([expect.stringMatching(/returned 0 results for 1 texts/)]);
  });

  it('sends nothing for toxicity: false, and skips non-string predictions with a warning', async () => {
    const off = await evaluate(null, data, 'text', { predictions: 'answer', evaluatorConfig: { toxicity: false } });
    expect(off.warnings).toEqual([]);
    const mixed = await evaluate(null, { text: ['one', 3] }, 'text', { predictions: 'text', evaluatorConfig: { toxicity: { baseURL: fake.baseURL } } });
    expect(mixed.warnings[0]).toMatch(/^Cannot calculate toxicity for non-string inputs\. Non-string found for the predictions column "text" on row 1/);
    expect(fake.requestsTo('moderations')).toHaveLength(0);
  });
});
