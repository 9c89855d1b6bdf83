// Helpers for judge tests against the fake OpenAI server (test/support/openai-server.ts): judge replies, a seeded
// fault schedule (429 with retry-after, 500, malformed JSON, no answer) and the server's own count of what it did.
import OpenAI from 'openai';
import { Feedback } from '../../src/assessments/entities.js';
import type { ScoreContext, Scorer, ScorerInput } from '../../judges/types.js';
import { apiError, chatCompletion, lastUserText, type FakeOpenAI, type LoggedRequest, type ScriptedReply } from './openai-server.js';
import { uniform } from '../../bench/harness.js';

/** A chat completion whose content is a judge verdict `{ result, rationale }`. */
export function verdict(result: unknown, rationale = 'because'): ScriptedReply {
  return { json: chatCompletion({ content: JSON.stringify({ result, rationale }), model: 'judge' }) };
}

export type FaultKind = 'ok' | 'rate-limit' | 'server-error' | 'malformed' | 'hang';

export interface FaultMix {
  rateLimit: number;
  serverError: number;
  malformed: number;
  hang: number;
}

export const ACCEPTANCE_FAULTS: FaultMix = { rateLimit: 0.25, serverError: 0.1, malformed: 0.05, hang: 0.02 };

/** Deterministic uniform numbers in [0, 1) (mulberry32, shared with the benchmarks). */
export const seeded = uniform;

/**
 * Makes the fake server's chat endpoint answer by a seeded schedule of faults (the n-th request gets the n-th draw),
 * with `answer` giving the verdict of a good reply. Returns the server's log: what it did for each request.
 */
export function scheduleFaults(
  fake: FakeOpenAI,
  options: {
    seed: number;
    mix?: FaultMix;
    answer: (request: LoggedRequest) => unknown;
    retryAfterMaxS?: number;
    /** Sees each request and what the server does with it. */
    onRequest?: (kind: FaultKind, request: LoggedRequest) => void;
  },
): { log: FaultKind[]; counts: () => Record<FaultKind, number> } {
  const mix = options.mix ?? ACCEPTANCE_FAULTS;
  const random = seeded(options.seed);
  const log: FaultKind[] = [];
  fake.setDefault('chat/completions', (request) => {
    const draw = random();
    const extra = random();
    let kind: FaultKind = 'ok';
    let edge = mix.rateLimit;
    if (draw < edge) kind = 'rate-limit';
    else if (draw < (edge += mix.serverError)) kind = 'server-error';
    else if (draw < (edge += mix.malformed)) kind = 'malformed';
    else if (draw < (edge += mix.hang)) kind = 'hang';
    log.push(kind);
    options.onRequest?.(kind, request);
    switch (kind) {
      case 'rate-limit':
        return apiError(429, 'Rate limit reached', { headers: { 'retry-after': ((options.retryAfterMaxS ?? 0.05) * extra).toFixed(3) } });
      case 'server-error':
        return apiError(500, 'The server had an error', { type: 'server_error' });
      case 'malformed':
        return { json: chatCompletion({ content: '{"result": "yes", "rationale": ', model: 'judge' }) };
      case 'hang':
        // No reply, not even headers: the client's timeout gives up (the server drops the socket when it closes).
        return new Promise<ScriptedReply>(() => undefined);
      default:
        return verdict(options.answer(request));
    }
  });
  return {
    log,
    counts: () => {
      const counts: Record<FaultKind, number> = { ok: 0, 'rate-limit': 0, 'server-error': 0, malformed: 0, hang: 0 };
      for (const kind of log) counts[kind] += 1;
      return counts;
    },
  };
}

/**
 * A minimal LLM judge written against the Scorer contract (judges/types.ts): one chat call per row under
 * `context.limit`, inside `context.traceCall`, through `context.cache`, reported to `context.onJudgeCall`; a failed
 * call or an unreadable reply is an error feedback.
 */
export function miniJudge(options: { name: string; baseURL: string; model?: string; timeoutMs?: number; maxRetries?: number }): Scorer {
  const client = new OpenAI({ baseURL: options.baseURL, apiKey: 'sk-test', timeout: options.timeoutMs ?? 5_000, maxRetries: options.maxRetries ?? 2 });
  const model = options.model ?? 'judge';
  const uri = `openai:/${model}`;
  return {
    name: options.name,
    aggregations: null,
    kind: 'llm',
    model: uri,
    async score(input: ScorerInput, context: ScoreContext = {}): Promise<Feedback[]> {
      const prompt = `${options.name}: ${JSON.stringify({ inputs: input.inputs, outputs: input.outputs, expectations: input.expectations })}`;
      const source = { sourceType: 'LLM_JUDGE', sourceId: uri };
      let reply = context.cache ? await context.cache.get(`${model}\u0000${prompt}`) : undefined;
      let traceId: string | undefined;
      if (reply !== undefined) context.onJudgeCall?.({ scorer: options.name, model: uri, cached: true });
      else {
        const call = async (): Promise<string> => {
          const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }] }, { signal: context.signal });
          return completion.choices[0]?.message.content ?? '';
        };
        const traced = async (): Promise<string> => {
          if (!context.traceCall) return call();
          const result = await context.traceCall({ name: options.name, model: uri, request: { prompt } }, call);
          traceId = result.traceId;
          return result.value;
        };
        try {
          reply = context.limit ? await context.limit(traced) : await traced();
        } catch (error) {
          return [new Feedback({ name: options.name, source, error: error as Error })];
        } finally {
          context.onJudgeCall?.({ scorer: options.name, model: uri, cached: false });
        }
      }
      let parsed: { result?: string; rationale?: string };
      try {
        parsed = JSON.parse(reply) as { result?: string; rationale?: string };
      } catch {
        return [new Feedback({ name: options.name, source, error: { errorCode: 'PARSE_ERROR', errorMessage: `Unreadable reply: ${reply}` } })];
      }
      if (context.cache) await context.cache.set(`${model}\u0000${prompt}`, reply);
      return [
        new Feedback({
          name: options.name,
          source,
          value: parsed.result ?? 'unknown',
          rationale: parsed.rationale ?? null,
          ...(traceId !== undefined && { metadata: { 'mlflow.assessment.scorerTraceId': traceId } }),
        }),
      ];
    },
  };
}

/** The user message text of a logged judge request (what the judge was asked). */
export function askedText(request: LoggedRequest): string {
  return lastUserText(request.body);
}

/** A code scorer written by hand against the contract. */
export function codeScorer(name: string, fn: (input: ScorerInput) => unknown, aggregations: Scorer['aggregations'] = null): Scorer {
  return {
    name,
    aggregations,
    kind: 'code',
    async score(input) {
      const value = await fn(input);
      if (value === null || value === undefined) return [];
      if (value instanceof Feedback) return [value];
      if (Array.isArray(value)) return value as Feedback[];
      return [new Feedback({ name, value: value as string, source: { sourceType: 'CODE', sourceId: name } })];
    },
  };
}
