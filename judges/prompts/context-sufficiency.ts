import { YES_NO_REPLY_FORMAT } from './verdict-format.js';

/** Placeholders: question, expected (the expected answer or facts), context. */
export const CONTEXT_SUFFICIENCY_PROMPT = `You check whether retrieved documents hold everything needed for the expected answer.

You are given a question, the answer (or the list of facts) that is expected for it, and the documents that were retrieved. Decide whether the documents, taken together, support every part of the expected answer. Use only the documents, never your own knowledge. If some part of the expected answer cannot be found in them, name it in your rationale.

<question>
{{question}}
</question>

<expected>
{{expected}}
</expected>

<documents>
{{context}}
</documents>

Answer "yes" when the documents fully support the expected answer, and "no" otherwise.

${YES_NO_REPLY_FORMAT}`;
