import { EvalflowError, ErrorCode } from '../src/core/errors.js';
import { openAIClient, resolveOpenAIConnection, type OpenAIConnectionOptions } from '../src/core/openai-connection.js';
import type OpenAI from 'openai';

/** The environment variable holding the default judge model URI. */
export const JUDGE_MODEL_ENV = 'EVALFLOW_JUDGE_MODEL';
export const DEFAULT_JUDGE_MODEL = 'openai:/gpt-4.1-mini';

/** Which model judges, and how to reach it. Unset connection fields fall back to OPENAI_API_KEY / OPENAI_BASE_URL. */
export interface JudgeModelOptions {
  /** A model URI, `openai:/<model>`; default `EVALFLOW_JUDGE_MODEL`, else `openai:/gpt-4.1-mini`. */
  model?: string;
  baseURL?: string;
  apiKey?: string;
  /** Milliseconds before one request is given up (and retried by the client). */
  timeoutMs?: number;
  /** Retries of 408/409/429/5xx and connection errors; the client's backoff honours Retry-After. */
  maxRetries?: number;
}

/** A validated judge model: its URI (the feedback's source id), the model name sent to the server, the connection. */
export interface JudgeModel {
  readonly uri: string;
  readonly provider: 'openai';
  readonly name: string;
  readonly connection: Readonly<OpenAIConnectionOptions>;
}

/** Splits `<provider>:/<model>` URL-style: the scheme is the provider, the path without leading slashes the model. */
export function parseModelUri(uri: string): { provider: string; model: string } {
  if (typeof uri !== 'string') throw EvalflowError.invalid(`A judge model URI must be a string like "openai:/gpt-4.1-mini" (got ${typeof uri}).`);
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri.trim());
  // `scheme://netloc/path`: the model is the path, so `openai://gpt-4o` (all netloc, no path) is malformed, as in MLflow.
  const rest = match?.[2] ?? '';
  const path = rest.startsWith('//') ? rest.slice(2).replace(/^[^/]*/, '') : rest;
  const model = path.replace(/^\/+/, '');
  if (!match || model === '') {
    throw EvalflowError.invalid(`Malformed model uri '${uri}': use "<provider>:/<model>", e.g. "openai:/gpt-4.1-mini".`);
  }
  return { provider: (match[1] as string).toLowerCase(), model };
}

/** Validates the model and connection options when a judge is created; the connection itself is resolved per call. */
export function judgeModel(options: JudgeModelOptions = {}): JudgeModel {
  const uri = options.model ?? nonEmpty(process.env[JUDGE_MODEL_ENV]) ?? DEFAULT_JUDGE_MODEL;
  const { provider, model } = parseModelUri(uri);
  if (provider !== 'openai') {
    throw EvalflowError.invalid(
      `Unsupported judge model provider '${provider}' in '${uri}': evalflow judges call OpenAI-compatible servers. ` +
        'Use "openai:/<model>" and point baseURL (or OPENAI_BASE_URL) at the server (Azure, vLLM, Ollama, LM Studio …).',
    );
  }
  for (const field of ['timeoutMs', 'maxRetries'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw EvalflowError.invalid(`The judge option ${field} must be a non-negative number (got ${String(value)}).`);
    }
  }
  for (const field of ['baseURL', 'apiKey'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'string') throw EvalflowError.invalid(`The judge option ${field} must be a string.`);
  }
  const connection: OpenAIConnectionOptions = {
    ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
  };
  return Object.freeze({ uri: `${provider}:/${model}`, provider: 'openai', name: model, connection: Object.freeze(connection) });
}

/** The client for a judge call, or a clear error when no server is configured anywhere. */
export function judgeClient(model: JudgeModel): { client: OpenAI; baseURL: string } {
  const connection = resolveOpenAIConnection(model.connection);
  if (connection === undefined) {
    throw new EvalflowError(
      ErrorCode.INVALID_STATE,
      `No connection for the judge model ${model.uri}: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server), ` +
        'or pass apiKey / baseURL to the judge.',
    );
  }
  return { client: openAIClient(connection), baseURL: connection.baseURL ?? 'https://api.openai.com/v1' };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
