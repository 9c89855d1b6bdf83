/** MLflow's span types; any other string is allowed too. */
export const SpanType = {
  LLM: 'LLM',
  CHAT_MODEL: 'CHAT_MODEL',
  CHAIN: 'CHAIN',
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  EMBEDDING: 'EMBEDDING',
  RERANKER: 'RERANKER',
  PARSER: 'PARSER',
  MEMORY: 'MEMORY',
  EVALUATOR: 'EVALUATOR',
  UNKNOWN: 'UNKNOWN',
} as const;

// `string & {}` keeps editor completion for the known names while allowing custom types.
export type SpanTypeName = (typeof SpanType)[keyof typeof SpanType] | (string & {});
