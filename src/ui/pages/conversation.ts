/**
 * Chat messages in a span's inputs and outputs, shown as a conversation: OpenAI Chat Completions (`messages`,
 * `choices[].message`), the Responses API (`instructions`, `input`, `output[]`, `output_text`) and plain
 * `{ role, content }` lists.
 */
import { valueText } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { clippedText } from './components.js';

export interface ChatMessage {
  role: string;
  content: string;
  /** Tool calls and other parts that are not text, as they are. */
  extra?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'string' ? part : isRecord(part) && typeof part.text === 'string' ? part.text : valueText(part)))
      .join('\n');
  }
  return valueText(content);
}

function messageOf(value: unknown): ChatMessage | null {
  if (!isRecord(value) || typeof value.role !== 'string') return null;
  const extra = value.tool_calls ?? value.function_call ?? undefined;
  return { role: value.role, content: textOf(value.content), ...(extra !== undefined && { extra }) };
}

function messagesOf(list: unknown): ChatMessage[] | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  const messages = list.map(messageOf);
  return messages.every((m): m is ChatMessage => m !== null) ? messages : null;
}

function requestMessages(inputs: unknown, chatSpan: boolean): ChatMessage[] | null {
  if (!isRecord(inputs)) return messagesOf(inputs);
  const fromMessages = messagesOf(inputs.messages);
  if (fromMessages) return fromMessages;
  // `input` is a common parameter name: read it as the Responses API's only on a span known to call a model.
  if (!chatSpan) return null;
  const instructions = typeof inputs.instructions === 'string' ? [{ role: 'system', content: inputs.instructions }] : [];
  if (typeof inputs.input === 'string') return [...instructions, { role: 'user', content: inputs.input }];
  const fromInput = messagesOf(inputs.input);
  return fromInput ? [...instructions, ...fromInput] : null;
}

function responseMessages(outputs: unknown): ChatMessage[] {
  if (typeof outputs === 'string') return [{ role: 'assistant', content: outputs }];
  if (!isRecord(outputs)) return messagesOf(outputs) ?? [];
  if (Array.isArray(outputs.choices)) {
    return outputs.choices.map((choice) => (isRecord(choice) ? messageOf(choice.message) : null)).filter((m): m is ChatMessage => m !== null);
  }
  if (Array.isArray(outputs.output)) {
    const messages = outputs.output.filter((item) => isRecord(item) && item.type === 'message').map(messageOf).filter((m): m is ChatMessage => m !== null);
    if (messages.length > 0) return messages;
  }
  if (typeof outputs.output_text === 'string') return [{ role: 'assistant', content: outputs.output_text }];
  const single = messageOf(outputs);
  return single ? [single] : [];
}

/**
 * The conversation of a span, or null when its inputs hold no chat messages. `chatSpan` says the span calls a model
 * (type LLM or CHAT_MODEL, or a message format attribute), which lets a Responses API request count as chat.
 */
export function conversationOf(inputs: unknown, outputs: unknown, chatSpan = false): ChatMessage[] | null {
  const request = requestMessages(inputs, chatSpan);
  return request ? [...request, ...responseMessages(outputs)] : null;
}

/** The messages as chat bubbles; a very long message is cut, with a note linking to `fullAt` (the trace's JSON). */
export function conversationView(messages: readonly ChatMessage[], fullAt: string): SafeHtml {
  return html`<div class="conversation" aria-label="Conversation">${messages.map((message) => {
    const role = /^[a-z_]{1,20}$/.test(message.role) ? message.role : 'other';
    const content = clippedText(message.content, fullAt);
    const extra = message.extra === undefined ? null : clippedText(valueText(message.extra), fullAt);
    return html`<div class="message role-${role}"><div class="role">${clippedText(message.role, fullAt).shown}</div><div class="content">${content.shown}${content.note}</div>${
      extra === null ? '' : html`<pre class="json">${extra.shown}</pre>${extra.note}`
    }</div>`;
  })}</div>`;
}
