/** How values are written into judge prompts (spec §4, "Converting values to strings"). */

/** JSON text of any value, never throwing (bigint and cycles fall back to String). */
export function jsonText(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent) ?? String(value);
  } catch {
    return String(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A request as text: null → " "; a string as it is; chat `{ messages }` → the last message's content, or all the
 * messages as JSON when there are several with string content; anything else as JSON.
 */
export function inputsToText(inputs: unknown): string {
  if (inputs === null || inputs === undefined) return ' ';
  if (typeof inputs === 'string') return inputs;
  if (isRecord(inputs) && Array.isArray(inputs.messages) && inputs.messages.length > 0) {
    const messages = inputs.messages as unknown[];
    const withText = messages.filter((m) => isRecord(m) && typeof m.content === 'string');
    if (withText.length > 1) return jsonText(messages);
    const last = messages.at(-1);
    if (isRecord(last) && typeof last.content === 'string') return last.content;
  }
  return jsonText(inputs);
}

/**
 * A response as text: null → " "; a string as it is; an array → its first element; an OpenAI chat completion → its
 * first choice's content; `{ messages }` → the last message's content; anything else as JSON.
 */
export function outputsToText(outputs: unknown): string {
  if (outputs === null || outputs === undefined) return ' ';
  if (typeof outputs === 'string') return outputs;
  if (Array.isArray(outputs)) return outputs.length === 0 ? jsonText(outputs) : outputsToText(outputs[0]);
  if (isRecord(outputs)) {
    const choice = Array.isArray(outputs.choices) ? (outputs.choices[0] as unknown) : undefined;
    const content = isRecord(choice) && isRecord(choice.message) ? choice.message.content : undefined;
    if (typeof content === 'string') return content;
    if (Array.isArray(outputs.messages)) {
      const last = outputs.messages.at(-1) as unknown;
      if (isRecord(last) && typeof last.content === 'string') return last.content;
    }
  }
  return jsonText(outputs);
}

/** A value in a prompt: strings as they are, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : jsonText(value);
}

/** Text cut to `max` characters with a marker saying how much was left out. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
