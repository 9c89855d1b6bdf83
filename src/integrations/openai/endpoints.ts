import { SpanType, type SpanTypeName } from '../../tracing/span-type.js';
import { ChatStreamAccumulator } from './chat-stream.js';
import { ResponsesStreamAccumulator } from './responses-stream.js';
import type { StreamAccumulator } from './stream.js';

/** One traced client method. */
export interface Endpoint {
  /** The span name: the resource class, as MLflow names these spans. */
  spanName: string;
  spanType: SpanTypeName;
  /** For methods that can stream (`stream: true`): collects the streamed items into the outputs. */
  streamAccumulator?: () => StreamAccumulator;
  /**
   * The response is the JSON the API sent, as the SDK parsed it, so its text is written natively. Not for `parse`
   * (its `parsed` fields are whatever the caller's schema made) nor embeddings (the SDK decodes base64 vectors).
   */
  wireJsonResponse: boolean;
}

const chat: Endpoint = {
  spanName: 'Completions',
  spanType: SpanType.CHAT_MODEL,
  streamAccumulator: () => new ChatStreamAccumulator(),
  wireJsonResponse: true,
};
const responses: Endpoint = {
  spanName: 'Responses',
  spanType: SpanType.CHAT_MODEL,
  streamAccumulator: () => new ResponsesStreamAccumulator(),
  wireJsonResponse: true,
};
const embeddings: Endpoint = { spanName: 'Embeddings', spanType: SpanType.EMBEDDING, wireJsonResponse: false };

/**
 * The traced methods by resource path on the client. `parse` calls `create` on the same client: only the outer call
 * is traced (see `traceOpenAICall`).
 */
export const TRACED_METHODS: Readonly<Record<string, Readonly<Record<string, Endpoint>>>> = {
  'chat.completions': { create: chat, parse: { ...chat, wireJsonResponse: false } },
  responses: { create: responses, parse: { ...responses, wireJsonResponse: false } },
  embeddings: { create: embeddings },
};
