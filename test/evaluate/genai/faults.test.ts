// The fault test of issue 8's acceptance: 300 rows × 2 judges while the judge server answers 25% of calls with 429
// (retry-after up to 50 ms), 10% with 500, 5% with malformed JSON and 2% not at all (until the 300 ms client
// timeout), on a seeded schedule. The evaluation finishes; every row has, for each judge, a value or an error
// feedback; no unhandled rejection; and the counts add up against the server's own log.
import { describe, expect, it } from 'vitest';
import { evaluate, searchTraces } from '../../../src/index.js';
import { makeJudge } from '../../../judges/index.js';
import { useFakeOpenAI } from '../../support/use-fake-openai.js';
import { scheduleFaults, type FaultKind } from '../../support/judge-faults.js';
import { useTrackingSandbox } from '../../support/tracking-sandbox.js';

useTrackingSandbox();

const fake = useFakeOpenAI();

const ROWS = 300;

describe('judges under faults', () => {
  it('300 rows × 2 judges with 429s, 500s, malformed JSON and hung calls: every verdict or error accounted for', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => {
      rejections.push(reason);
    };
    process.on('unhandledRejection', onRejection);
    try {
      // The server's own log, per judge call: every attempt (the client's retries, the judge's re-ask) with what the
      // server did. A call is (judge, row): the system message names the judge, `outputs: "N"` the row.
      const attempts = new Map<string, { kind: FaultKind; order: [number, number, number] }[]>();
      let arrival = 0;
      const server = scheduleFaults(fake, {
        seed: 8,
        // The question is the first user message (a re-ask adds the bad reply and a hint after it).
        answer: (request) => (/outputs: "\d*[02468]"/.test((request.body as { messages: { content: string }[] }).messages[1]?.content ?? '') ? 'yes' : 'no'),
        onRequest: (kind, request) => {
          const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
          const judge = messages[0]?.content.includes('even number') ? 'even' : 'answers';
          const row = /outputs: "(\d+)"/.exec(messages[1]?.content ?? '')?.[1];
          const key = `${judge}/${row}`;
          const retry = Number(request.headers['x-stainless-retry-count'] ?? 0);
          attempts.set(key, [...(attempts.get(key) ?? []), { kind, order: [messages.length, retry, (arrival += 1)] }]);
        },
      });
      const connection = { model: 'openai:/judge', baseURL: fake.baseURL, apiKey: 'sk-test', timeoutMs: 300, maxRetries: 2 };
      const judges = [
        makeJudge({ ...connection, name: 'even', instructions: 'Is {{ outputs }} an even number? Answer yes or no.', feedbackValueType: 'yes/no', aggregations: null }),
        makeJudge({ ...connection, name: 'answers', instructions: 'Does {{ outputs }} answer {{ inputs }}?', feedbackValueType: 'yes/no', aggregations: ['mean'] }),
      ];
      const rows = Array.from({ length: ROWS }, (_, i) => ({ inputs: { question: `Say the number ${i}` }, outputs: String(i) }));
      const started = Date.now();
      const result = await evaluate(null, rows, { scorers: judges, concurrency: { scorers: 32 }, cache: false });
      const seconds = (Date.now() - started) / 1000;

      // Every row has, for each judge, one feedback: a value or an error.
      const table = result.tables.eval_results ?? [];
      expect(table).toHaveLength(ROWS);
      const traces = await searchTraces({ runId: result.runId as string, filter: "tags.`mlflow.eval.requestId` LIKE '%'", maxResults: 500 });
      expect(traces).toHaveLength(ROWS);
      let values = 0;
      let errors = 0;
      let abandoned = 0;
      const expectedCode: Record<FaultKind, string> = {
        'rate-limit': 'JUDGE_RATE_LIMITED',
        'server-error': 'JUDGE_MODEL_ERROR',
        malformed: 'JUDGE_PARSE_ERROR',
        hang: 'JUDGE_TIMEOUT',
        // A good reply that reached the client after its timeout: the client gave up on it.
        ok: 'JUDGE_TIMEOUT',
      };
      for (const trace of traces) {
        const row = String(trace.rootSpan?.outputs);
        for (const name of ['even', 'answers']) {
          const feedback = trace.info.assessments?.filter((a) => a.kind === 'feedback' && a.name === name) ?? [];
          expect(feedback, `${trace.info.traceId} ${name}`).toHaveLength(1);
          const one = feedback[0];
          expect((one?.value !== null) !== (one?.error !== null), 'a value xor an error').toBe(true);
          // The call's attempts in the order the client made them (re-ask, then retry count); the last one decides.
          const tries = [...(attempts.get(`${name}/${row}`) ?? [])].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]);
          const last = tries.at(-1);
          expect(last, `the server saw the call ${name}/${row}`).toBeDefined();
          if (one?.value !== null) {
            values += 1;
            expect(last?.kind, `${name}/${row} has a value, so its last attempt was answered`).toBe('ok');
            expect(one?.value).toBe(name === 'even' ? (Number(row) % 2 === 0 ? 'yes' : 'no') : Number(row) % 2 === 0 ? 'yes' : 'no');
            abandoned += tries.filter((t) => t.kind === 'ok').length - 1;
          } else {
            errors += 1;
            expect(one?.error?.errorCode, `${name}/${row}: last attempt ${last?.kind}`).toBe(expectedCode[last?.kind ?? 'ok']);
            abandoned += tries.filter((t) => t.kind === 'ok').length;
          }
        }
      }
      const counts = server.counts();
      expect(values + errors).toBe(ROWS * 2);
      expect(result.judgeStats).toEqual({ calls: ROWS * 2, cacheHits: 0, errors });
      // Every request the server logged belongs to one of the 600 calls; every good reply it sent became a verdict
      // unless the client had already given up on it (timeout) and asked again.
      expect([...attempts.values()].reduce((n, list) => n + list.length, 0)).toBe(server.log.length);
      expect(attempts.size).toBe(ROWS * 2);
      expect(fake.requestsTo('chat/completions')).toHaveLength(server.log.length);
      expect(values + abandoned).toBe(counts.ok);
      expect(abandoned).toBeLessThan(counts.ok * 0.15);
      // The faults really happened, and errors never count as verdicts in the metrics.
      expect(counts['rate-limit']).toBeGreaterThan(100);
      expect(counts['server-error']).toBeGreaterThan(30);
      expect(counts.malformed).toBeGreaterThan(10);
      expect(counts.hang).toBeGreaterThan(3);
      expect(errors).toBeGreaterThan(0);
      const evenValues = table.map((r) => r['even/value']).filter((v) => v !== null);
      expect(result.metrics['even/mean']).toBeCloseTo(evenValues.filter((v) => v === 'yes').length / evenValues.length, 10);
      expect(result.metrics['answers/mean']).toBeDefined();
      expect(seconds).toBeLessThan(60);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      fake.reset();
    }
  }, 120_000);
});
