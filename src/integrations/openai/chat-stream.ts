import type { StreamAccumulator } from './stream.js';
import { normaliseUsage, type TokenUsage } from './usage.js';

interface ToolCallState {
  id: string | undefined;
  type: string;
  name: string;
  arguments: string[];
}

interface ChoiceState {
  role: string;
  content: string[];
  refusal: string[];
  toolCalls: Map<number, ToolCallState>;
  finishReason: string | null;
}

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object';

/**
 * Assembles a streamed chat completion from its `chat.completion.chunk`s, per choice: the role, the text, the refusal,
 * the tool calls with their arguments concatenated, the finish reason; the usage from the last chunk
 * (`stream_options.include_usage`). The outputs have the shape of a non-streamed `chat.completion`.
 */
export class ChatStreamAccumulator implements StreamAccumulator {
  /** The fields of a completion that each chunk repeats (id, created, model …); the first value seen is kept. */
  private readonly header: Fields = {};
  private readonly choices = new Map<number, ChoiceState>();
  private usageValue: unknown;

  add(chunk: unknown): void {
    if (!isObject(chunk)) return;
    this.takeHeader(chunk);
    if (isObject(chunk.usage)) this.usageValue = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices as unknown[]) {
      if (!isObject(choice)) continue;
      const state = this.choice(typeof choice.index === 'number' ? choice.index : 0);
      const delta = isObject(choice.delta) ? choice.delta : {};
      if (typeof delta.role === 'string') state.role = delta.role;
      if (typeof delta.content === 'string') state.content.push(delta.content);
      if (typeof delta.refusal === 'string') state.refusal.push(delta.refusal);
      if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls as unknown[]) addToolCall(state, call);
      if (typeof choice.finish_reason === 'string') state.finishReason = choice.finish_reason;
    }
  }

  outputs(): unknown {
    const choices: Fields[] = [];
    for (const index of sortedKeys(this.choices)) {
      const state = this.choices.get(index) as ChoiceState;
      const toolCalls: Fields[] = [];
      for (const key of sortedKeys(state.toolCalls)) {
        const call = state.toolCalls.get(key) as ToolCallState;
        toolCalls.push({ id: call.id, type: call.type, function: { name: call.name, arguments: call.arguments.join('') } });
      }
      const text = state.content.join('');
      // As in a non-streamed completion: no text beside tool calls is null.
      const message: Fields = { role: state.role, content: text === '' && toolCalls.length > 0 ? null : text };
      if (state.refusal.length > 0) message.refusal = state.refusal.join('');
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      choices.push({ index, message, finish_reason: state.finishReason });
    }
    const completion: Fields = {};
    for (const key in this.header) completion[key] = this.header[key];
    completion.object = 'chat.completion';
    completion.choices = choices;
    if (this.usageValue !== undefined) completion.usage = this.usageValue;
    return completion;
  }

  usage(): TokenUsage | undefined {
    return normaliseUsage(this.usageValue);
  }

  /** The fields each chunk repeats, by name rather than in a loop: this runs for every chunk. */
  private takeHeader(chunk: Fields): void {
    const header = this.header;
    if (header.id === undefined && chunk.id != null) header.id = chunk.id;
    if (header.created === undefined && chunk.created != null) header.created = chunk.created;
    if (header.model === undefined && chunk.model != null) header.model = chunk.model;
    if (header.system_fingerprint === undefined && chunk.system_fingerprint != null) header.system_fingerprint = chunk.system_fingerprint;
    if (header.service_tier === undefined && chunk.service_tier != null) header.service_tier = chunk.service_tier;
  }

  private choice(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { role: 'assistant', content: [], refusal: [], toolCalls: new Map(), finishReason: null };
      this.choices.set(index, state);
    }
    return state;
  }
}

/** A map's numeric keys in ascending order. */
function sortedKeys<T>(map: Map<number, T>): number[] {
  if (map.size === 0) return [];
  const keys = Array.from(map.keys());
  if (keys.length > 1) keys.sort(ascending);
  return keys;
}

function ascending(a: number, b: number): number {
  return a - b;
}

function addToolCall(state: ChoiceState, delta: unknown): void {
  if (!isObject(delta)) return;
  const index = typeof delta.index === 'number' ? delta.index : state.toolCalls.size;
  let call = state.toolCalls.get(index);
  if (!call) {
    call = { id: undefined, type: 'function', name: '', arguments: [] };
    state.toolCalls.set(index, call);
  }
  if (typeof delta.id === 'string') call.id = delta.id;
  if (typeof delta.type === 'string') call.type = delta.type;
  const fn = isObject(delta.function) ? delta.function : undefined;
  // The name comes whole in the first delta; the SDK's own accumulator also takes it as it is.
  if (typeof fn?.name === 'string' && fn.name !== '') call.name = fn.name;
  if (typeof fn?.arguments === 'string') call.arguments.push(fn.arguments);
}
