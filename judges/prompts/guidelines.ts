import { YES_NO_REPLY_FORMAT } from './verdict-format.js';

/** Placeholders: guidelines (as <guideline> elements), context (as <request>, <response> … elements). */
export const GUIDELINES_PROMPT = `You check whether an exchange follows a set of guidelines.

Below are the guidelines, each in a <guideline> element, and then the exchange to check. Decide whether the exchange follows every one of the guidelines. Judge only adherence to the guidelines: do not grade correctness, relevance or style unless a guideline asks for it. Use only the text given. If any guideline is broken, the answer is "no", and your rationale names the guideline and the passage that breaks it. If none of the guidelines applies to this exchange, the answer is "yes".

<guidelines>
{{guidelines}}
</guidelines>

{{context}}

Answer "yes" when every guideline is followed, and "no" otherwise.

${YES_NO_REPLY_FORMAT}`;
