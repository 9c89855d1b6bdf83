import { YES_NO_REPLY_FORMAT } from './verdict-format.js';

/** Placeholders: question, chunk. */
export const RETRIEVAL_RELEVANCE_PROMPT = `You judge whether one retrieved document is relevant to a question.

Read the question and the document. Decide whether the document contains information that bears on the question, completely or in part. It does not need to answer the question on its own. Do not use knowledge from outside the text.

<question>
{{question}}
</question>

<document>
{{chunk}}
</document>

Answer "yes" when the document is at least partly relevant to the question, and "no" otherwise.

${YES_NO_REPLY_FORMAT}`;
