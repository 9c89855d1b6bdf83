import { createHash } from 'node:crypto';
import { BadRequestError, UnprocessableEntityError } from 'openai';
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { AssessmentError } from '../src/assessments/assessment-error.js';
import { logger } from '../src/core/logger.js';
import { isAbort, JudgeErrorCode, JudgeReplyError, modelCallError } from './errors.js';
import { judgeClient, type JudgeModel } from './model.js';
import type { ScoreContext } from './types.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One question to a judge model: the messages, the reply's JSON schema (if any) and how to read the reply. */
export interface JudgeCallRequest<T> {
  /** The scorer asking, for progress events and the call's trace. */
  scorer: string;
  model: JudgeModel;
  messages: readonly ChatMessage[];
  /** Sent as `response_format: json_schema` where the server accepts it; a plain request otherwise. */
  responseSchema?: { name: string; schema: Readonly<Record<string, unknown>> };
  /** Inference parameters sent with the request (temperature, max_tokens …). */
  parameters?: Readonly<Record<string, unknown>>;
  /** Reads the reply text; throws JudgeReplyError when the reply is unusable. */
  parse: (reply: string) => T;
  /** What the model is told when a malformed reply is asked once more. */
  reaskHint: string;
}

export type JudgeCallResult<T> =
  | { ok: true; value: T; cached: boolean; traceId?: string }
  /** `raw` is the last reply for an unreadable one; `cause` the client's error for a failed request. */
  | { ok: false; error: AssessmentError; raw?: string; cause?: unknown; traceId?: string };

type Exchange<T> = { ok: true; value: T; reply: string } | { ok: false; error: AssessmentError; raw?: string; cause?: unknown };

/** Servers (base URL + model) that refused `response_format: json_schema`: they are asked in plain JSON from then on. */
const plainJsonOnly = new Set<string>();

/**
 * Asks a judge model once: from the cache when it holds the reply, otherwise under the evaluation's judge limit and
 * inside its own trace. Transient failures are retried by the openai client (backoff honouring Retry-After); a
 * malformed reply is asked once more; whatever still fails is returned as an error, never thrown. Throws only when no
 * connection is configured or the evaluation is aborted.
 */
export async function callJudge<T>(request: JudgeCallRequest<T>, context: ScoreContext = {}): Promise<JudgeCallResult<T>> {
  const { client, baseURL } = judgeClient(request.model);
  const event = { scorer: request.scorer, model: request.model.uri };
  const key = context.cache ? judgeCacheKey(request, baseURL) : undefined;
  if (key !== undefined && context.cache) {
    const hit = await context.cache.get(key).catch((error: unknown) => {
      logger.warn(`Judge cache read failed (${String(error)}); asking the model.`);
      return undefined;
    });
    if (hit !== undefined) {
      const value = readCached(request, hit);
      if (value !== undefined) {
        context.onJudgeCall?.({ ...event, cached: true });
        return { ok: true, value: value.value, cached: true };
      }
    }
  }

  const run = (): Promise<Exchange<T>> => linked(context.signal, (signal) => exchange(client, baseURL, request, signal));
  const traced = async (): Promise<Exchange<T> & { traceId?: string }> => {
    if (!context.traceCall) return run();
    const info = { name: request.scorer, model: request.model.uri, request: { messages: request.messages, ...request.parameters } };
    const { value, traceId } = await context.traceCall(info, run);
    return traceId === undefined ? value : { ...value, traceId };
  };
  const outcome = context.limit ? await context.limit(traced) : await traced();
  context.onJudgeCall?.({ ...event, cached: false });

  if (!outcome.ok) return outcome;
  if (key !== undefined && context.cache) {
    await context.cache.set(key, outcome.reply).catch((error: unknown) => logger.warn(`Judge cache write failed: ${String(error)}`));
  }
  return { ok: true, value: outcome.value, cached: false, ...(outcome.traceId !== undefined && { traceId: outcome.traceId }) };
}

/**
 * SHA-256 of what decides the reply: the server (its base URL, resolved as for the call), model, messages, parameters
 * and the requested reply schema. The same model name on another server is another model.
 */
export function judgeCacheKey(request: JudgeCallRequest<unknown>, baseURL: string = judgeClient(request.model).baseURL): string {
  const server = baseURL.replace(/\/+$/, '');
  const material = JSON.stringify([server, request.model.uri, request.messages, request.parameters ?? {}, request.responseSchema ?? null]);
  return createHash('sha256').update(material).digest('hex');
}

/**
 * Runs one judge call with a signal of its own that follows the evaluation's. The openai client adds an abort listener
 * to the signal of every request attempt and never removes it: given the evaluation's signal, those listeners would
 * pile up on it over thousands of calls (MaxListenersExceededWarning, memory). They go on this call's signal instead,
 * which is dropped with the call; the one listener on the evaluation's signal is removed when the call settles.
 */
async function linked<R>(outer: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<R>): Promise<R> {
  if (outer === undefined) return call(undefined);
  const controller = new AbortController();
  const forward = (): void => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    outer.removeEventListener('abort', forward);
  }
}

function readCached<T>(request: JudgeCallRequest<T>, reply: string): { value: T } | undefined {
  try {
    return { value: request.parse(reply) };
  } catch {
    return undefined; // an entry this parser cannot read: ask the model again
  }
}

async function exchange<T>(client: OpenAI, baseURL: string, request: JudgeCallRequest<T>, signal: AbortSignal | undefined): Promise<Exchange<T>> {
  let messages: readonly ChatMessage[] = request.messages;
  for (let attempt = 1; ; attempt += 1) {
    let reply: string;
    try {
      reply = await complete(client, baseURL, request, messages, signal);
    } catch (error) {
      if (isAbort(error, signal)) throw error;
      if (error instanceof JudgeReplyError) return { ok: false, error: new AssessmentError({ errorCode: error.code, errorMessage: error.message }) };
      return { ok: false, error: modelCallError(error, request.model.uri), cause: error };
    }
    try {
      return { ok: true, value: request.parse(reply), reply };
    } catch (error) {
      const replyError =
        error instanceof JudgeReplyError ? error : new JudgeReplyError(JudgeErrorCode.PARSE_ERROR, `${String(error)} Response: ${reply}`, true);
      if (!replyError.reask || attempt > 1) return { ok: false, error: new AssessmentError({ errorCode: replyError.code, errorMessage: replyError.message }), raw: reply };
      // Asked once more, with the unusable reply and why it could not be used (an empty reply is simply asked again).
      const reason = replyError.message.split(' Response: ')[0];
      messages =
        reply.trim() === ''
          ? request.messages
          : [...request.messages, { role: 'assistant', content: reply }, { role: 'user', content: `Your reply could not be used: ${reason}. ${request.reaskHint}` }];
    }
  }
}

async function complete<T>(
  client: OpenAI,
  baseURL: string,
  request: JudgeCallRequest<T>,
  messages: readonly ChatMessage[],
  signal: AbortSignal | undefined,
): Promise<string> {
  const server = `${baseURL}\u0000${request.model.name}`;
  const plain = { ...request.parameters, stream: false, model: request.model.name, messages: [...messages] } as ChatCompletionCreateParamsNonStreaming;
  const schema = request.responseSchema;
  if (schema === undefined || plainJsonOnly.has(server)) return replyText(await client.chat.completions.create(plain, { signal }));
  const structured = {
    ...plain,
    response_format: { type: 'json_schema', json_schema: { name: schema.name, schema: schema.schema as Record<string, unknown>, strict: true } },
  } as ChatCompletionCreateParamsNonStreaming;
  try {
    return replyText(await client.chat.completions.create(structured, { signal }));
  } catch (error) {
    if (!(error instanceof BadRequestError || error instanceof UnprocessableEntityError)) throw error;
    // The server rejects structured output (or something else in the request): asked once in plain JSON. If that
    // works, the server is remembered as plain-JSON-only; if it fails too, its error is the one reported.
    const completion = await client.chat.completions.create(plain, { signal });
    plainJsonOnly.add(server);
    logger.info(`The judge server at ${baseURL} rejected structured output for ${request.model.name} (${error.message}); using plain JSON.`);
    return replyText(completion);
  }
}

function replyText(completion: ChatCompletion): string {
  const choice = completion.choices?.[0];
  const refusal = choice?.message?.refusal;
  if (typeof refusal === 'string' && refusal.trim() !== '') {
    throw new JudgeReplyError(JudgeErrorCode.REFUSAL, `The judge model refused to answer: ${refusal}`, false);
  }
  if (choice?.finish_reason === 'content_filter') {
    throw new JudgeReplyError(JudgeErrorCode.REFUSAL, 'The judge reply was withheld by the content filter.', false);
  }
  return choice?.message?.content ?? '';
}

/** Forgets which servers refused structured output (tests start from a clean slate). */
export function resetStructuredOutputMemory(): void {
  plainJsonOnly.clear();
}
