// Judge replies for the fake OpenAI server: verdicts as chat completions, refusals, and routing by prompt text.
import { chatCompletion, lastUserText, type LoggedRequest, type Reply, type ScriptedReply } from './openai-server.js';

/** A chat completion whose content is `text`. */
export function judgeText(text: string | null): ScriptedReply {
  return { json: chatCompletion({ content: text }) };
}

/** A `{"rationale", "result"}` reply. */
export function verdict(result: unknown, rationale = `Let's think step by step. The verdict is ${String(result)}.`): ScriptedReply {
  return judgeText(JSON.stringify({ rationale, result }));
}

/** A structured-output refusal (`message.refusal` set, no content). */
export function refusal(text = "I'm sorry, I can't help with that."): ScriptedReply {
  const completion = chatCompletion({ content: null });
  const choice = (completion.choices as { message: Record<string, unknown> }[])[0];
  if (choice) choice.message.refusal = text;
  return { json: completion };
}

/** Every message text of a chat request, joined. */
export function promptText(request: LoggedRequest): string {
  const messages = (request.body as { messages?: { content?: unknown }[] } | undefined)?.messages ?? [];
  return messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
}

/** Replies by prompt: the first rule whose text or pattern occurs in the last user message wins. */
export function byPrompt(rules: readonly [string | RegExp, ScriptedReply][], fallback: ScriptedReply = verdict('no')): Reply {
  return (request) => {
    const text = lastUserText(request.body);
    const rule = rules.find(([match]) => (typeof match === 'string' ? text.includes(match) : match.test(text)));
    return rule ? rule[1] : fallback;
  };
}

/** The JSON body of the n-th logged chat request. */
export function chatBody(request: LoggedRequest | undefined): Record<string, unknown> {
  return (request?.body ?? {}) as Record<string, unknown>;
}
