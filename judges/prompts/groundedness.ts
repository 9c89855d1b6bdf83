import { YES_NO_REPLY_FORMAT } from './verdict-format.js';

/** Placeholders: question, answer, context. */
export const GROUNDEDNESS_PROMPT = `You check whether an answer is grounded in the documents it was based on.

You are given a question, the answer that was produced, and the documents that were retrieved for it. Decide whether every statement in the answer is supported by the documents. Use only the documents, never your own knowledge: a statement that is true but absent from them is not supported. If a statement is unsupported, quote it in your rationale.

<question>
{{question}}
</question>

<answer>
{{answer}}
</answer>

<documents>
{{context}}
</documents>

Answer "yes" when the documents support every statement of the answer, and "no" otherwise.

${YES_NO_REPLY_FORMAT}`;
