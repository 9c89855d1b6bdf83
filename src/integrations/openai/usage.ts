/** MLflow's token usage (`mlflow.chat.tokenUsage`), as the UI and `mlflow.trace.tokenUsage` read it. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  /** Prompt tokens served from OpenAI's prompt cache, when the response reports them. */
  cache_read_input_tokens?: number;
}

const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Normalises OpenAI's usage objects: Chat Completions and Embeddings (`prompt_tokens`, `completion_tokens`,
 * `prompt_tokens_details.cached_tokens`) and the Responses API (`input_tokens`, `output_tokens`,
 * `input_tokens_details.cached_tokens`). Undefined when there is no usage.
 */
export function normaliseUsage(usage: unknown): TokenUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const input = count(u.input_tokens) ?? count(u.prompt_tokens);
  const output = count(u.output_tokens) ?? count(u.completion_tokens);
  const total = count(u.total_tokens);
  if (input === undefined && output === undefined && total === undefined) return undefined;
  const details = (u.input_tokens_details ?? u.prompt_tokens_details) as Record<string, unknown> | null | undefined;
  const cached = count(details?.cached_tokens);
  return {
    input_tokens: input ?? 0,
    output_tokens: output ?? 0,
    total_tokens: total ?? (input ?? 0) + (output ?? 0),
    ...(cached !== undefined && { cache_read_input_tokens: cached }),
  };
}
