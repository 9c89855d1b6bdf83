import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { EvalflowError } from '../src/core/errors.js';
import { openAIClient, resolveOpenAIConnection, type OpenAIConnectionOptions } from '../src/core/openai-connection.js';
import { toxicityScore } from '../metrics/text/toxicity.js';

/**
 * `evaluatorConfig.toxicity`: where the `toxicity/v1` metric gets its scores. The score of a row is the highest
 * category score an OpenAI-compatible moderation endpoint gives its text. Unset fields fall back to
 * `OPENAI_API_KEY` and `OPENAI_BASE_URL` (the judges' settings); with neither, toxicity is skipped with a warning.
 * `toxicity: false` turns the metric off without a warning.
 *
 * ```ts
 * evaluatorConfig: { toxicity: { baseURL: 'http://localhost:8000/v1', model: 'omni-moderation-latest', batchSize: 32, concurrency: 4 } }
 * ```
 */
export interface ToxicityOptions extends OpenAIConnectionOptions {
  /** The moderation model. Default `omni-moderation-latest`. */
  model?: string;
  /** Texts per moderation request (the endpoint takes an array). Default 32. */
  batchSize?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
}

export const DEFAULT_MODERATION_MODEL = 'omni-moderation-latest';
const DEFAULT_BATCH_SIZE = 32;
const DEFAULT_CONCURRENCY = 4;

/** `evaluatorConfig.toxicity` checked: false (off), or the options; a bad value is an error that names the key. */
export function toxicityOptionsOf(raw: unknown): ToxicityOptions | false {
  if (raw === undefined || raw === null) return {};
  if (raw === false) return false;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw EvalflowError.invalid('evaluatorConfig.toxicity must be an object such as { baseURL, apiKey, model } or false.', { key: 'toxicity' });
  }
  const options = raw as Record<string, unknown>;
  for (const key of ['apiKey', 'baseURL', 'model'] as const) {
    if (options[key] !== undefined && (typeof options[key] !== 'string' || options[key] === '')) {
      throw EvalflowError.invalid(`evaluatorConfig.toxicity.${key} must be a non-empty string.`, { key: `toxicity.${key}` });
    }
  }
  for (const key of ['batchSize', 'concurrency', 'timeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
      throw EvalflowError.invalid(`evaluatorConfig.toxicity.${key} must be a whole number of at least 1 (got ${String(value)}).`, { key: `toxicity.${key}` });
    }
  }
  const retries = options.maxRetries;
  if (retries !== undefined && (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0)) {
    throw EvalflowError.invalid(`evaluatorConfig.toxicity.maxRetries must be a whole number of at least 0 (got ${String(retries)}).`, { key: 'toxicity.maxRetries' });
  }
  return options as ToxicityOptions;
}

export type ModerationOutcome = { kind: 'scores'; scores: number[] } | { kind: 'skipped'; reason: string };

/**
 * Toxicity scores of the texts from the moderation endpoint: batched, `concurrency` requests at a time, each retried
 * by the client. No configured endpoint, or a request that still fails, gives `skipped` with the reason; nothing is
 * ever estimated. The first batch that fails ends the others: queued batches are dropped and the requests in flight
 * are aborted (their connections closed), so no request or retry outlives the call.
 */
export async function moderationScores(texts: readonly string[], options: ToxicityOptions): Promise<ModerationOutcome> {
  const connection = resolveOpenAIConnection(options);
  if (connection === undefined) {
    return {
      kind: 'skipped',
      reason:
        'no moderation endpoint is configured. Set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server), ' +
        'or evaluatorConfig.toxicity = { baseURL, apiKey }; toxicity: false turns the metric off',
    };
  }
  const client = openAIClient(connection);
  const model = options.model ?? DEFAULT_MODERATION_MODEL;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const controller = new AbortController();
  const { signal } = controller;
  // One listener per request in flight; a concurrency above node's default of 10 is no leak.
  setMaxListeners(0, signal);
  const scores = new Array<number>(texts.length);
  const batches: number[] = [];
  for (let start = 0; start < texts.length; start += batchSize) batches.push(start);
  try {
    // Promise.all handles every batch's rejection, so the aborted ones never surface as unhandled.
    await Promise.all(
      batches.map((start) =>
        limit(async () => {
          signal.throwIfAborted();
          const input = texts.slice(start, start + batchSize);
          try {
            const response = await withChildSignal(signal, (child) => client.moderations.create({ model, input }, { signal: child }));
            const results = response.results;
            if (!Array.isArray(results) || results.length !== input.length) {
              throw new Error(`the endpoint returned ${Array.isArray(results) ? results.length : 'no'} results for ${input.length} texts`);
            }
            results.forEach((result, i) => {
              scores[start + i] = toxicityScore(result.category_scores as unknown as Record<string, unknown>, start + i);
            });
          } catch (error) {
            // Right away, before the limiter starts the next batch.
            limit.clearQueue();
            controller.abort(new Error('another moderation request failed'));
            throw error;
          }
        }),
      ),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'skipped', reason: `the moderation endpoint (model ${model}) failed: ${message}` };
  }
  return { kind: 'scores', scores };
}

/**
 * Runs a request with its own signal that follows `parent`: the client leaves a listener on the signal of each
 * request, so a signal shared by hundreds of batches would collect them. The parent holds one listener per request
 * in flight, removed when the request settles.
 */
async function withChildSignal<T>(parent: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = new AbortController();
  const onAbort = (): void => child.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await run(child.signal);
  } finally {
    parent.removeEventListener('abort', onAbort);
  }
}
