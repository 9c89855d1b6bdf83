import { YES_NO_REPLY_FORMAT } from './verdict-format.js';

/** Placeholders: question, answer. */
export const RELEVANCE_TO_QUERY_PROMPT = `You judge whether an answer is on topic for a question.

Read the question and the answer. Decide whether the answer contains information that addresses the question, completely or in part. Whether the answer is correct does not matter here, only whether it is relevant. Do not draw on knowledge from outside the text. If parts of the answer are off topic, say which in your rationale. The result must be exactly "yes" or "no".

<question>
{{question}}
</question>

<answer>
{{answer}}
</answer>

Answer "yes" when the answer holds information relevant to the question, and "no" when nothing in it is.

${YES_NO_REPLY_FORMAT}`;
