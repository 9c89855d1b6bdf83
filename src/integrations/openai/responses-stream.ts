import type { StreamAccumulator } from './stream.js';
import { normaliseUsage, type TokenUsage } from './usage.js';

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object';

interface ItemState {
  item: Fields;
  /** True once `response.output_item.done` gave the finished item. */
  done: boolean;
  /** Text deltas by content index (messages). */
  text: Map<number, string[]>;
  /** Argument deltas (function calls). */
  arguments: string[];
}

/**
 * Assembles a streamed Responses API call from its events. The `response.completed` (or `failed` / `incomplete`)
 * event carries the whole response, which becomes the outputs; a stream cut short gives the latest response snapshot
 * with the output items assembled from the deltas so far (text, function-call arguments). `output_text` is added as
 * the SDK adds it to non-streamed responses.
 */
export class ResponsesStreamAccumulator implements StreamAccumulator {
  private response: Fields | undefined;
  private final = false;
  private readonly items = new Map<number, ItemState>();
  private errorMessage: string | undefined;

  add(event: unknown): void {
    if (!isObject(event) || typeof event.type !== 'string') return;
    const outputIndex = typeof event.output_index === 'number' ? event.output_index : 0;
    switch (event.type) {
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
        if (isObject(event.response)) this.response = event.response;
        break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (isObject(event.response)) {
          this.response = event.response;
          this.final = true;
          if (event.type === 'response.failed') this.errorMessage = messageOf(event.response.error) ?? 'The response failed';
        }
        break;
      case 'error':
        this.errorMessage = messageOf(event) ?? 'The response stream reported an error';
        break;
      case 'response.output_item.added':
        if (isObject(event.item)) this.items.set(outputIndex, { item: { ...event.item }, done: false, text: new Map(), arguments: [] });
        break;
      case 'response.output_item.done':
        if (isObject(event.item)) this.items.set(outputIndex, { item: event.item, done: true, text: new Map(), arguments: [] });
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        const state = this.items.get(outputIndex);
        if (!state || state.done || typeof event.delta !== 'string') break;
        const contentIndex = typeof event.content_index === 'number' ? event.content_index : 0;
        const parts = state.text.get(contentIndex) ?? [];
        parts.push(event.delta);
        state.text.set(contentIndex, parts);
        break;
      }
      case 'response.function_call_arguments.delta': {
        const state = this.items.get(outputIndex);
        if (state && !state.done && typeof event.delta === 'string') state.arguments.push(event.delta);
        break;
      }
      default:
        break;
    }
  }

  outputs(): unknown {
    const response: Fields = { ...this.response };
    const output = Array.isArray(response.output) ? (response.output as unknown[]) : [];
    if (!this.final || (output.length === 0 && this.items.size > 0)) response.output = this.assembledItems();
    response.output_text = outputText(response.output);
    return response;
  }

  usage(): TokenUsage | undefined {
    return normaliseUsage(this.response?.usage);
  }

  error(): string | undefined {
    return this.errorMessage;
  }

  private assembledItems(): Fields[] {
    return [...this.items.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, state]) => {
        if (state.done) return state.item;
        const item = { ...state.item };
        if (state.arguments.length > 0) item.arguments = `${typeof item.arguments === 'string' ? item.arguments : ''}${state.arguments.join('')}`;
        if (state.text.size > 0) {
          const content = Array.isArray(item.content) ? [...(item.content as unknown[])] : [];
          for (const [index, parts] of state.text) {
            const part = isObject(content[index]) ? (content[index] as Fields) : { type: 'output_text', annotations: [] };
            content[index] = { ...part, text: `${typeof part.text === 'string' ? part.text : ''}${parts.join('')}` };
          }
          item.content = content;
        }
        return item;
      });
  }
}

function messageOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.message === 'string' ? value.message : undefined;
}

/** The text of every `output_text` part of the message items, joined (the SDK's `response.output_text`). */
function outputText(output: unknown): string {
  if (!Array.isArray(output)) return '';
  const texts: string[] = [];
  for (const item of output as unknown[]) {
    if (!isObject(item) || item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content as unknown[]) {
      if (isObject(part) && part.type === 'output_text' && typeof part.text === 'string') texts.push(part.text);
    }
  }
  return texts.join('');
}
