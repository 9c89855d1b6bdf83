import OpenAI from 'openai';

/**
 * How evalflow reaches an OpenAI-compatible server (OpenAI, Azure's v1 endpoint, vLLM, Ollama, LM Studio …) for LLM
 * judges and the toxicity metric. Unset fields fall back to `OPENAI_API_KEY` and `OPENAI_BASE_URL`.
 */
export interface OpenAIConnectionOptions {
  apiKey?: string;
  baseURL?: string;
  /** Milliseconds before one request is given up (and retried). Default 60,000. */
  timeoutMs?: number;
  /** Retries of 408/409/429/5xx and connection errors, with backoff that honours `Retry-After`. Default 4. */
  maxRetries?: number;
}

export interface ResolvedConnection {
  apiKey: string;
  baseURL: string | undefined;
  timeoutMs: number;
  maxRetries: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 4;

/**
 * The connection to use, or undefined when none is configured: no API key and no base URL anywhere. A local server
 * needs no key, so a base URL alone is enough (the key is then a placeholder the server ignores).
 */
export function resolveOpenAIConnection(options: OpenAIConnectionOptions = {}): ResolvedConnection | undefined {
  const apiKey = options.apiKey ?? nonEmpty(process.env.OPENAI_API_KEY);
  const baseURL = options.baseURL ?? nonEmpty(process.env.OPENAI_BASE_URL);
  if (apiKey === undefined && baseURL === undefined) return undefined;
  return {
    apiKey: apiKey ?? 'not-needed',
    baseURL,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
  };
}

const clients = new Map<string, OpenAI>();

/** One client per distinct connection, so that its HTTP keep-alive pool is shared by every call. */
export function openAIClient(connection: ResolvedConnection): OpenAI {
  const key = JSON.stringify([connection.apiKey, connection.baseURL, connection.timeoutMs, connection.maxRetries]);
  let client = clients.get(key);
  if (client === undefined) {
    client = new OpenAI({
      apiKey: connection.apiKey,
      baseURL: connection.baseURL ?? null,
      timeout: connection.timeoutMs,
      maxRetries: connection.maxRetries,
    });
    clients.set(key, client);
  }
  return client;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
