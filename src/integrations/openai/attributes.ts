import { SpanAttributeKey } from '../../store/trace-entities.js';

/**
 * The attributes known from the request alone: the message format the UI's chat view uses, the provider, the model
 * and, when tools are sent, their definitions (`mlflow.chat.tools`).
 */
export function requestAttributes(body: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    [SpanAttributeKey.MESSAGE_FORMAT]: 'openai',
    [SpanAttributeKey.LLM_PROVIDER]: 'openai',
  };
  if (body === null || typeof body !== 'object') return attributes;
  const { model, tools } = body as { model?: unknown; tools?: unknown };
  if (typeof model === 'string') attributes[SpanAttributeKey.LLM_MODEL] = model;
  if (Array.isArray(tools) && tools.length > 0) attributes[SpanAttributeKey.CHAT_TOOLS] = tools.map(chatTool);
  return attributes;
}

/**
 * A tool definition in Chat Completions form (`{type: "function", function: {name, description, parameters}}`), the
 * form MLflow's `ChatTool` has. Responses API function tools are flat (`{type, name, parameters}`) and are nested
 * here; built-in tools (`web_search`, `file_search` …) are kept as they are.
 */
export function chatTool(tool: unknown): unknown {
  if (tool === null || typeof tool !== 'object') return tool;
  const t = tool as Record<string, unknown>;
  if (t.type !== 'function' || t.function !== undefined || typeof t.name !== 'string') return tool;
  const { type, ...fn } = t;
  return { type, function: fn };
}
